package dev.portway.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.function.Consumer;

/**
 * Writes the requests of one backend stream as HTTP/1.1 bytes: a head in one buffer, body bytes as they came (as
 * chunks again when the request is chunked, with its trailers). Takes the place of Netty's request encoder, whose
 * channel a stream does not have.
 *
 * <p>Threading: not thread-safe; one instance per backend stream. Reference counting: {@link #encode} takes
 * ownership of its message and hands every buffer it produces (content buffers included, not copied) to its sink.
 */
final class RequestEncoder {
    /** Enough for a typical head with the forwarding headers, so that most need no second allocation. */
    private static final int HEAD_SIZE_HINT = 512;

    private final ByteBufAllocator alloc;
    private boolean chunked;

    RequestEncoder(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    void encode(HttpObject message, Consumer<ByteBuf> sink) {
        ByteBuf head = null;
        if (message instanceof HttpRequest request) {
            chunked = HttpUtil.isTransferEncodingChunked(request);
            head = alloc.buffer(HEAD_SIZE_HINT);
            MessageHeads.writeRequestHead(head, request);
        }
        if (!(message instanceof HttpContent content)) {
            sink.accept(head);
            return;
        }
        ByteBuf data = content.content();
        boolean last = content instanceof LastHttpContent;
        if (!chunked) {
            if (head != null) {
                sink.accept(head);
            }
            if (data.isReadable()) {
                sink.accept(data);
            } else {
                data.release();
            }
            return;
        }
        ByteBuf framing = head != null ? head : alloc.buffer(last ? 32 : 16);
        if (data.isReadable()) {
            ByteBufUtil.writeAscii(framing, Integer.toHexString(data.readableBytes()));
            framing.writeShort(MessageHeads.CRLF);
            sink.accept(framing);
            sink.accept(data);
            framing = alloc.buffer(last ? 32 : 2);
            framing.writeShort(MessageHeads.CRLF);
        } else {
            data.release();
        }
        if (last) {
            framing.writeByte('0').writeShort(MessageHeads.CRLF);
            MessageHeads.writeFields(framing, ((LastHttpContent) content).trailingHeaders());
            framing.writeShort(MessageHeads.CRLF);
        }
        if (framing.isReadable()) {
            sink.accept(framing);
        } else {
            framing.release();
        }
    }
}
