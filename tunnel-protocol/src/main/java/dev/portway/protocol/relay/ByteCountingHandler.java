package dev.portway.protocol.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

import java.util.function.LongConsumer;

/**
 * Reports the bytes a socket reads and is asked to write, for traffic meters; placed in front of the
 * {@link StreamRelay} of a public or local connection. It lives here, beside the relay, so that the protocol module
 * needs no metrics library: the callbacks are whatever the server or client passes in.
 *
 * <p>Threading: runs on the socket's event loop; the callbacks must be cheap and thread-safe (one handler may serve
 * every connection of a tunnel). Reference counting: passes every message on untouched. Written bytes are counted
 * when the write is requested, so a write that later fails is still counted.
 */
@ChannelHandler.Sharable
public final class ByteCountingHandler extends ChannelDuplexHandler {
    private final LongConsumer onRead;
    private final LongConsumer onWrite;

    public ByteCountingHandler(LongConsumer onRead, LongConsumer onWrite) {
        this.onRead = onRead;
        this.onWrite = onWrite;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long bytes = size(msg);
        if (bytes > 0) {
            onRead.accept(bytes);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        long bytes = size(msg);
        if (bytes > 0) {
            onWrite.accept(bytes);
        }
        ctx.write(msg, promise);
    }

    private static long size(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.readableBytes();
        }
        if (msg instanceof ByteBufHolder holder) {
            return holder.content().readableBytes();
        }
        return 0;
    }
}
