package dev.portway.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The clocks of a public HTTP connection. Waiting for a request, the connection may stay silent for
 * {@code idleTimeout}; once a request's first byte arrived, its headers must be complete within
 * {@code headerTimeout}; while its body is read, the next byte must come within {@code bodyIdleTimeout}; once a
 * request went out whole, its answer must begin within {@code responseTimeout}. Sits before the codec, because only
 * raw bytes tell when a request begins, and sees the proxy's reads: the body clock runs only while a read is asked
 * for, so a body held back by the stream's flow control (the local service reads slowly) is not the peer's delay. On
 * expiry it fires {@link Expired} for the proxy handler, which answers and closes.
 *
 * <p>Every request moves the clock several times, so moving it must cost no timer: the one deadline in force is a
 * field, and a single timer per connection checks it. The timer never waits longer than the shortest of the three
 * timeouts, so a deadline set later is never earlier than the timer's next check; when it finds the deadline moved
 * on, it waits again for what is left.
 *
 * <p>Threading: the channel's event loop. Reference counting: passes every message on untouched. Closing: never
 * closes the channel itself.
 */
final class RequestClock extends ChannelDuplexHandler {
    /** Which clock ran out. */
    enum Expired { IDLE, HEADERS, BODY, RESPONSE }

    private final long idleNanos;
    private final long headerNanos;
    private final long responseNanos;
    private final long bodyNanos;
    /** The longest the timer waits between checks (see the class comment). */
    private final long shortestTimeout;
    private final Runnable check = this::check;
    private ChannelHandlerContext ctx;
    /** The clock that runs now, or null while none does (a body read on, or an answer flowing). */
    private Expired running;
    /** Between a request's headers and its end: what is read is its body. */
    private boolean readingBody;
    /** The current request's answer began, perhaps before the request's end: no response clock runs for it. */
    private boolean answering;
    private boolean awaitingRequest;
    /** The current request went out whole, so bytes read now belong to the next one. */
    private boolean requestComplete;
    /** Bytes of the next request arrived while the current one was being answered. */
    private boolean nextRequestBegun;
    private long deadline;
    private ScheduledFuture<?> timer;

    RequestClock(Duration idleTimeout, Duration headerTimeout, Duration bodyIdleTimeout, Duration responseTimeout) {
        this.idleNanos = idleTimeout.toNanos();
        this.headerNanos = headerTimeout.toNanos();
        this.bodyNanos = bodyIdleTimeout.toNanos();
        this.responseNanos = responseTimeout.toNanos();
        this.shortestTimeout = Math.min(Math.min(idleNanos, bodyNanos), Math.min(headerNanos, responseNanos));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        awaitRequest();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // On an HTTP/2 stream the clock sits behind the stream's codec and sees messages: each one is bytes received.
        if (msg instanceof ByteBuf buf ? buf.isReadable() : msg instanceof HttpObject) {
            if (readingBody && running == Expired.BODY) {
                running = null;
            } else if (awaitingRequest) {
                awaitingRequest = false;
                start(Expired.HEADERS, headerNanos);
            } else if (requestComplete) {
                nextRequestBegun = true;
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (readingBody) {
            start(Expired.BODY, bodyNanos);
        }
        ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopTimer();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stopTimer();
    }

    /**
     * The connection closes once its last answer is written: a peer that does not read that answer within the idle
     * timeout is cut then, rather than holding the connection open for as long as it does not read.
     */
    void draining() {
        readingBody = false;
        awaitingRequest = false;
        start(Expired.IDLE, idleNanos);
    }

    /** A request's headers are complete: its body is on the body clock whenever it is read. */
    void headersReceived() {
        readingBody = true;
        answering = false;
        awaitingRequest = false;
        requestComplete = false;
        nextRequestBegun = false;
        running = null;
    }

    /** The request went out whole: its answer must begin within the response timeout, unless it did already. */
    void requestSent() {
        readingBody = false;
        requestComplete = true;
        if (answering) {
            running = null;
        } else {
            start(Expired.RESPONSE, responseNanos);
        }
    }

    /** The answer began: no response clock runs while it flows (a body still being read stays on its clock). */
    void responseStarted() {
        answering = true;
        if (running == Expired.RESPONSE) {
            running = null;
        }
    }

    /**
     * The exchange ended and the connection stays open for the next request; if that request began to arrive
     * meanwhile, its headers are on the clock from now.
     */
    void awaitRequest() {
        readingBody = false;
        requestComplete = false;
        if (nextRequestBegun) {
            nextRequestBegun = false;
            awaitingRequest = false;
            start(Expired.HEADERS, headerNanos);
        } else {
            awaitingRequest = true;
            start(Expired.IDLE, idleNanos);
        }
    }

    private void start(Expired kind, long nanos) {
        running = kind;
        deadline = ctx.executor().ticker().nanoTime() + nanos;
        if (timer == null) {
            timer = ctx.executor().schedule(check, shortestTimeout, TimeUnit.NANOSECONDS);
        }
    }

    private void check() {
        timer = null;
        if (running == null) {
            return;
        }
        long left = deadline - ctx.executor().ticker().nanoTime();
        if (left > 0) {
            timer = ctx.executor().schedule(check, Math.min(left, shortestTimeout), TimeUnit.NANOSECONDS);
            return;
        }
        Expired expired = running;
        running = null;
        ctx.fireUserEventTriggered(expired);
    }

    private void stopTimer() {
        running = null;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
