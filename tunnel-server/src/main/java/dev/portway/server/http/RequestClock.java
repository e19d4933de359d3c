package dev.portway.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The two clocks of a public HTTP connection between requests. Waiting for a request, the connection may stay
 * silent for {@code idleTimeout}; once a request's first byte arrived, its headers must be complete within
 * {@code headerTimeout}. Sits before the codec, because only raw bytes tell when a request begins. On expiry it
 * fires {@link Expired} for the proxy handler, which answers and closes.
 *
 * <p>Threading: the channel's event loop. Reference counting: passes every message on untouched. Closing: never
 * closes the channel itself.
 */
final class RequestClock extends ChannelDuplexHandler {
    /** Which clock ran out. */
    enum Expired { IDLE, HEADERS }

    private enum State { AWAITING_REQUEST, READING_HEADERS, BUSY }

    private final long idleNanos;
    private final long headerNanos;
    private ChannelHandlerContext ctx;
    private State state = State.AWAITING_REQUEST;
    private ScheduledFuture<?> timer;

    RequestClock(Duration idleTimeout, Duration headerTimeout) {
        this.idleNanos = idleTimeout.toNanos();
        this.headerNanos = headerTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        arm(idleNanos, Expired.IDLE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.AWAITING_REQUEST && msg instanceof ByteBuf buf && buf.isReadable()) {
            state = State.READING_HEADERS;
            arm(headerNanos, Expired.HEADERS);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    /** A request's headers are complete: no clock runs until the exchange ends. */
    void headersReceived() {
        state = State.BUSY;
        cancel();
    }

    /** The exchange ended and the connection stays open for the next request. */
    void awaitRequest() {
        state = State.AWAITING_REQUEST;
        arm(idleNanos, Expired.IDLE);
    }

    private void arm(long nanos, Expired kind) {
        cancel();
        timer = ctx.executor().schedule(() -> {
            timer = null;
            ctx.fireUserEventTriggered(kind);
        }, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
