package dev.portway.protocol.relay;

import io.github.bucket4j.Bucket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Holds one socket's traffic to one or more {@link Bandwidth}s (a tunnel's and its user's): each byte is drawn from
 * all of them, and the one deepest in debt sets the pace. It drops nothing and buffers nothing of its own making: from the
 * socket, it delays the next read the relay asks for until the bucket is out of debt, so the socket's peer is slowed by
 * TCP itself; to the socket, it delays writes, which the relay makes only as far as the stream's window allows and
 * answers with credit only once written, so the far side is slowed by the stream's flow control.
 *
 * <p>The limits may be switched while the socket runs ({@link #follow}): a public HTTP connection whose next request
 * goes to another tunnel is held to that tunnel's limits from then on. A wait is re-examined at least every
 * {@link #RECHECK}: when the limits were switched or a limit's rate changed since the debt was taken (a plan lifted
 * a throttle), the old debt is forgiven, so no connection waits out a debt that no longer stands.
 *
 * <p>Threading: the socket's event loop. Reference counting: a delayed write owns its message until written; one
 * still waiting when the handler goes is released and its promise failed.
 */
public final class BandwidthThrottle extends ChannelDuplexHandler {
    /** The longest a wait goes without a look at whether its debt still stands. */
    static final long RECHECK = TimeUnit.SECONDS.toNanos(1);

    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private Bandwidth[] limits;
    /** Counts switches of {@link #limits}, part of {@link #generation()}. */
    private long switches;
    private long readAllowedAt;
    private long readDebtGeneration;
    private boolean readScheduled;
    private long writeAllowedAt;
    private long writeDebtGeneration;
    private boolean drainScheduled;

    private record Pending(Object msg, ChannelPromise promise) {
    }

    public BandwidthThrottle(Bandwidth... limits) {
        this.limits = limits.clone();
    }

    /** From now on, holds the socket to {@code limits} instead. Call on the socket's event loop. */
    public void follow(Bandwidth... limits) {
        this.limits = limits.clone();
        switches++;
    }

    /** Changes whenever the limits in force do: switched, or a rate changed. */
    private long generation() {
        long generation = switches;
        for (Bandwidth limit : limits) {
            generation += limit.generation();
        }
        return generation;
    }

    /** Takes {@code bytes} from the bucket of each limit on one side; the longest wait in nanoseconds. */
    private long draw(int bytes, boolean fromSocket) {
        long units = Bandwidth.units(bytes);
        long penalty = 0;
        for (Bandwidth limit : limits) {
            Bandwidth.Buckets buckets = limit.current();
            if (buckets != null) {
                Bucket bucket = fromSocket ? buckets.fromSocket() : buckets.toSocket();
                penalty = Math.max(penalty, bucket.consumeIgnoringRateLimits(units));
            }
        }
        return penalty;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            long penalty = draw(bytes.readableBytes(), true);
            if (penalty > 0) {
                readAllowedAt = System.nanoTime() + penalty;
                readDebtGeneration = generation();
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (readScheduled) {
            return;
        }
        long wait = readWait();
        if (wait <= 0) {
            ctx.read();
        } else {
            scheduleRead(ctx, wait);
        }
    }

    /** Nanoseconds before the next read; the limits are looked at again only while a debt is outstanding. */
    private long readWait() {
        long wait = readAllowedAt - System.nanoTime();
        if (wait > 0 && readDebtGeneration != generation()) {
            readAllowedAt = 0;
            return 0;
        }
        return wait;
    }

    private void scheduleRead(ChannelHandlerContext ctx, long wait) {
        readScheduled = true;
        ctx.executor().schedule(() -> {
            readScheduled = false;
            if (!ctx.channel().isActive()) {
                return;
            }
            long left = readWait();
            if (left <= 0) {
                ctx.read();
            } else {
                scheduleRead(ctx, left);
            }
        }, Math.min(wait, RECHECK), TimeUnit.NANOSECONDS);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (waiting.isEmpty() && writeWait() <= 0) {
            pass(ctx, msg, promise);
        } else {
            waiting.add(new Pending(msg, promise));
            scheduleDrain(ctx);
        }
    }

    private long writeWait() {
        long wait = writeAllowedAt - System.nanoTime();
        if (wait > 0 && writeDebtGeneration != generation()) {
            writeAllowedAt = 0;
            return 0;
        }
        return wait;
    }

    private void pass(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            long penalty = draw(bytes.readableBytes(), false);
            if (penalty > 0) {
                writeAllowedAt = System.nanoTime() + penalty;
                writeDebtGeneration = generation();
            }
        }
        ctx.write(msg, promise);
    }

    private void scheduleDrain(ChannelHandlerContext ctx) {
        if (drainScheduled) {
            return;
        }
        drainScheduled = true;
        long wait = Math.max(0, Math.min(writeWait(), RECHECK));
        ctx.executor().schedule(() -> drain(ctx), wait, TimeUnit.NANOSECONDS);
    }

    private void drain(ChannelHandlerContext ctx) {
        drainScheduled = false;
        boolean wrote = false;
        while (!waiting.isEmpty() && writeWait() <= 0) {
            Pending next = waiting.poll();
            pass(ctx, next.msg(), next.promise());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if (!waiting.isEmpty()) {
            scheduleDrain(ctx);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        // Writes still waiting are flushed when they are let through.
        ctx.flush();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        ClosedChannelException closed = new ClosedChannelException();
        for (Pending pending : waiting) {
            ReferenceCountUtil.release(pending.msg());
            pending.promise().tryFailure(closed);
        }
        waiting.clear();
    }
}
