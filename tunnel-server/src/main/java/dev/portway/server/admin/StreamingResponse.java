package dev.portway.server.admin;

import dev.portway.admin.http.ResponseStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * A response whose body a {@link ResponseStream} produces for as long as the connection lasts (Server-Sent Events).
 * It travels through the admin listener like any {@code FullHttpResponse} (with an empty body) until
 * {@link AdminHttpHandler} sees it and calls {@link #begin} instead of writing it.
 *
 * <p>Threading: {@link #begin} hops to the channel's event loop; the stream then sends chunks from any thread, each
 * one a write task queued on that loop. Reference counting: every chunk is a wrapped byte array, released by the
 * codec once written or by the channel when it closed meanwhile. Closing: a reader that falls behind by more than the
 * channel's write-buffer high water mark (64 KiB) is disconnected rather than buffered for, and may resume with
 * {@code Last-Event-ID}; the stream is stopped when the connection closes, however it closed.
 */
final class StreamingResponse extends DefaultFullHttpResponse {
    private final ResponseStream stream;

    StreamingResponse(HttpResponseStatus status, ResponseStream stream) {
        super(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        this.stream = stream;
    }

    void begin(ChannelHandlerContext ctx, HttpVersion version) {
        Channel channel = ctx.channel();
        channel.eventLoop().execute(() -> {
            // A stream is quiet on the reading side by nature; it ends when the client goes or falls behind.
            if (ctx.pipeline().get(AdminServer.IDLE_TIMEOUT) != null) {
                ctx.pipeline().remove(AdminServer.IDLE_TIMEOUT);
            }
            HttpResponse head = new DefaultHttpResponse(version, status());
            head.headers().set(headers());
            head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            head.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
            channel.writeAndFlush(head);
            stream.start(new ResponseStream.Sink() {
                @Override
                public boolean send(byte[] chunk) {
                    return StreamingResponse.send(channel, chunk);
                }

                @Override
                public void end() {
                    channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
                            .addListener(ChannelFutureListener.CLOSE);
                }
            });
            // After start: a connection that closed already stops the stream at once instead of leaving a subscriber.
            channel.closeFuture().addListener(f -> stream.stop());
        });
    }

    private static boolean send(Channel channel, byte[] chunk) {
        if (!channel.isActive()) {
            return false;
        }
        if (!channel.isWritable()) {
            channel.close();
            return false;
        }
        channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk)), channel.voidPromise());
        return true;
    }
}
