package dev.portway.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * How a local service's answer is written to the public peer. Over HTTP/1.1 it passes as the bytes that came, framed
 * already ({@link ResponseFramer}); over an HTTP/2 stream as HTTP messages, which the stream's codec turns into
 * HEADERS and DATA frames: the body without its chunk framing, the trailers as a last HEADERS frame.
 *
 * <p>Threading: stateless, shared. Reference counting: each method takes ownership of what it is given.
 */
enum PublicResponses {
    /** The public peer speaks HTTP/1.x. */
    HTTP1 {
        @Override
        ChannelFuture head(ChannelHandlerContext ctx, HttpResponse head, boolean complete) {
            ByteBuf bytes = ctx.alloc().buffer(RESPONSE_HEAD_SIZE_HINT);
            MessageHeads.writeResponseHead(bytes, head);
            // Bytes, which the public codec passes through: the answer was framed already.
            return ctx.write(bytes);
        }

        @Override
        ChannelFuture body(ChannelHandlerContext ctx, ByteBuf bytes) {
            return ctx.write(bytes);
        }

        @Override
        ChannelFuture end(ChannelHandlerContext ctx, HttpHeaders trailers, ChannelFuture lastWrite) {
            // The end and any trailers were in the body's bytes.
            return lastWrite != null ? lastWrite : ctx.write(Unpooled.EMPTY_BUFFER);
        }
    },
    /** The public peer is an HTTP/2 stream: {@link BackendStream} hands on bodies without chunk framing. */
    HTTP2 {
        @Override
        ChannelFuture head(ChannelHandlerContext ctx, HttpResponse head, boolean complete) {
            if (complete) {
                // One HEADERS frame that ends the stream: a gRPC answer with no message carries its status in it
                // ("Trailers-Only"), which clients take as trailers only when nothing follows on the stream.
                return ctx.write(whole(head));
            }
            if (head.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
                return ctx.write(head);
            }
            if (head.status().code() == HttpResponseStatus.CONTINUE.code()) {
                // The stream's codec sends 100 as interim HEADERS only when it comes as a full message.
                return ctx.write(whole(head));
            }
            // Other interim answers (102, 103) are hints a client may go without; the codec would end the stream.
            return ctx.newSucceededFuture();
        }

        @Override
        ChannelFuture body(ChannelHandlerContext ctx, ByteBuf bytes) {
            return ctx.write(new DefaultHttpContent(bytes));
        }

        @Override
        ChannelFuture end(ChannelHandlerContext ctx, HttpHeaders trailers, ChannelFuture lastWrite) {
            if (trailers.isEmpty()) {
                return ctx.write(LastHttpContent.EMPTY_LAST_CONTENT);
            }
            LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
            last.trailingHeaders().set(trailers);
            return ctx.write(last);
        }
    };

    private static final int RESPONSE_HEAD_SIZE_HINT = 512;

    /** The head as a message of its own, with nothing to follow. */
    private static DefaultFullHttpResponse whole(HttpResponse head) {
        DefaultFullHttpResponse whole = new DefaultFullHttpResponse(head.protocolVersion(), head.status());
        whole.headers().set(head.headers());
        return whole;
    }

    /**
     * Writes a response head; interim ones (1xx) included.
     *
     * @param complete no body and no trailers follow (a {@code HEAD} answer, 204, 304, {@code content-length: 0}):
     *                 the head is the whole answer, and {@link #end} is not called for it
     */
    abstract ChannelFuture head(ChannelHandlerContext ctx, HttpResponse head, boolean complete);

    /** Writes body bytes as {@link BackendStream} delivered them. */
    abstract ChannelFuture body(ChannelHandlerContext ctx, ByteBuf bytes);

    /**
     * Ends the answer; the future completes when its last part is written.
     *
     * @param lastWrite the last write of the answer so far, or null
     */
    abstract ChannelFuture end(ChannelHandlerContext ctx, HttpHeaders trailers, ChannelFuture lastWrite);

    /** Whether bodies are to come without their HTTP/1.1 chunk framing ({@link ResponseFramer}). */
    boolean contentOnly() {
        return this == HTTP2;
    }
}
