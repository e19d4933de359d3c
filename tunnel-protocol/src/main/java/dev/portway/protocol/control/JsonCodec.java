package dev.portway.protocol.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * JSON payloads of CONTROL, OPEN and GOAWAY frames. Decoding failures become protocol errors whose message
 * names the offending field, so a peer's log says exactly what it sent wrong.
 */
public final class JsonCodec {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE)
            // Not FAIL_ON_NULL_FOR_PRIMITIVES: for records it also rejects an absent optional int such as
            // Hello.maxFramePayload, whose absence must mean the default. Required fields are checked by name.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonCodec() {
    }

    public static ByteBuf encode(ByteBufAllocator alloc, Object message) {
        ByteBuf buf = alloc.buffer(128);
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
            MAPPER.writerFor(message instanceof ControlMessage ? ControlMessage.class : message.getClass())
                    .writeValue((java.io.OutputStream) out, message);
            return buf;
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /**
     * Reads one value of {@code type} from the readable bytes without consuming them. Returns null for a
     * control message of a type this version does not know.
     */
    public static <T> T decode(ByteBuf payload, Class<T> type) {
        T value;
        try (ByteBufInputStream in = new ByteBufInputStream(payload.duplicate())) {
            value = MAPPER.readValue((java.io.InputStream) in, type);
        } catch (JsonMappingException e) {
            throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR, "malformed %s: %s%s",
                    type.getSimpleName(), e.getOriginalMessage(), fieldPath(e));
        } catch (JsonProcessingException e) {
            throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR, "malformed %s: %s",
                    type.getSimpleName(), e.getOriginalMessage());
        } catch (IOException e) {
            throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR, "unreadable %s: %s",
                    type.getSimpleName(), e.getMessage());
        }
        // A JSON null is no OPEN or GOAWAY payload; only control messages use null, for a type not known here.
        if (value == null && type != ControlMessage.class) {
            throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR, "malformed %s: null", type.getSimpleName());
        }
        return value;
    }

    /** {@code value} as JSON text, for a record kept outside a frame (a tunnel's spec in the database). */
    public static String text(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** Reads JSON text written by {@link #text}; a malformed one fails with {@link ProtocolException}. */
    public static <T> T fromText(String json, Class<T> type) {
        return decode(Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)), type);
    }

    private static String fieldPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "" : " (at " + path + ")";
    }
}
