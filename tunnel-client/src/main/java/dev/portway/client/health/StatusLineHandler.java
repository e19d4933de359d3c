package dev.portway.client.health;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Reads the first line of an HTTP answer for a health check and completes the check's result with
 * {@link HealthProbe#judgeStatusLine}'s verdict.
 *
 * <p>Threading: the probe connection's event loop. Reference counting: releases every line it is handed. Closing:
 * never closes the channel itself; the probe closes it once the result is complete, and a connection that closes
 * first fails the check.
 */
final class StatusLineHandler extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<String> result;

    StatusLineHandler(CompletableFuture<String> result) {
        this.result = result;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof ByteBuf line) {
                result.complete(HealthProbe.judgeStatusLine(line.toString(StandardCharsets.US_ASCII).strip()));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        result.complete("connection closed before an answer");
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        result.complete("read failed: " + cause.getMessage());
    }
}
