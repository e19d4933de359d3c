package dev.portway.client.http2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;

import java.util.function.Consumer;

/**
 * The HTTP/1.1 side of a tunnel stream bridged to HTTP/2: request bytes from the stream become Netty's HTTP
 * messages, and response messages become bytes for it. Netty's own HTTP/1.1 decoder and encoder do the work; a
 * tunnel stream is not a channel, so they run in a channel of their own that has no socket and does no I/O.
 *
 * <p>Threading: not thread-safe; used on the tunnel session's event loop only. Reference counting: {@link #decode}
 * takes its buffer, {@link #encode} its message; what they hand on belongs to the consumer. {@link #close} releases
 * what the decoder still holds (a partial request).
 */
final class Http1Side {
    /** A request head the server sends is within its own {@code http.maxHeaderSize}, which is at most this. */
    static final int MAX_HEADER_SIZE = 64 * 1024;
    /** Body parts larger than this are handed on in pieces of this size, each an HTTP/2 DATA frame. */
    private static final int MAX_CHUNK_SIZE = 16 * 1024;

    private final EmbeddedChannel codec = new EmbeddedChannel(
            new HttpRequestDecoder(new HttpDecoderConfig()
                    .setMaxHeaderSize(MAX_HEADER_SIZE)
                    .setMaxChunkSize(MAX_CHUNK_SIZE)),
            new HttpResponseEncoder());

    /** Hands every message that {@code bytes} completes to {@code sink}; a malformed request comes as a failed one. */
    void decode(ByteBuf bytes, Consumer<HttpObject> sink) {
        codec.writeInbound(bytes);
        HttpObject message;
        while ((message = codec.readInbound()) != null) {
            sink.accept(message);
        }
    }

    /** Hands the bytes of {@code message} to {@code sink}, in order. */
    void encode(HttpObject message, Consumer<ByteBuf> sink) {
        codec.writeOutbound(message);
        ByteBuf bytes;
        while ((bytes = codec.readOutbound()) != null) {
            sink.accept(bytes);
        }
    }

    void close() {
        codec.finishAndReleaseAll();
    }
}
