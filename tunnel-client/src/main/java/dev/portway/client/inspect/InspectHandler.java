package dev.portway.client.inspect;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Shows an {@link ExchangeObserver} the bytes of a local connection of an http tunnel: those written to the local
 * service (requests) and those read from it (responses). Placed just in front of the relay, so it sees the stream's
 * bytes as they are, before any PROXY header.
 *
 * <p>Threading: the connection's event loop. Reference counting: every message is passed on untouched, after the
 * observer has read it; the observer never throws, so the relay is never disturbed. Closing: the connection's end is
 * the observer's end.
 */
public final class InspectHandler extends ChannelDuplexHandler {
    private final ExchangeObserver observer;

    public InspectHandler(ExchangeObserver observer) {
        this.observer = observer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            observer.response(buf);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            observer.request(buf);
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        observer.closed();
        ctx.fireChannelInactive();
    }
}
