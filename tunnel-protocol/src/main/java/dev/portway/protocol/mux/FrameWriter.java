package dev.portway.protocol.mux;

import dev.portway.protocol.frame.Frame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Orders outbound frames. Urgent frames (control, PING/PONG, WINDOW_UPDATE, OPEN, RST) go to the channel at
 * once; DATA and FIN wait in a queue while the channel is not writable, so urgent frames overtake bulk
 * transfers instead of queueing behind them. Writes within one event-loop turn share one flush.
 *
 * <p>Urgent frames are answers the peer provokes (PONG for PING, RST for a refused OPEN) or credit, so they are not
 * held back while the channel is not writable; a peer that keeps provoking them and never reads would make them pile
 * up without bound. Once {@link #URGENT_BACKLOG_LIMIT} bytes wait to be sent and the channel is still not writable,
 * the writer drops the frame and calls {@code onStuck} once: the peer is not reading, and nothing sent to it could
 * arrive anyway.
 *
 * <p>Threading: the session's event loop only. Reference counting: owns queued frames until written or purged.
 */
final class FrameWriter {
    /**
     * Four times the carrier's high water mark: DATA stops at the mark, so only urgent frames get past it, and a
     * reading peer drains them long before this.
     */
    static final long URGENT_BACKLOG_LIMIT = 4L * 1024 * 1024;

    private final ChannelHandlerContext ctx;
    private final Runnable onStuck;
    private boolean stuck;
    private final ArrayDeque<Frame> dataQueue = new ArrayDeque<>();
    private final Runnable flushTask = this::flushNow;
    private boolean flushScheduled;

    FrameWriter(ChannelHandlerContext ctx, Runnable onStuck) {
        this.ctx = ctx;
        this.onStuck = onStuck;
    }

    void writeUrgent(Frame frame) {
        if (stuck || (!ctx.channel().isWritable() && backlog() > URGENT_BACKLOG_LIMIT)) {
            frame.release();
            if (!stuck) {
                stuck = true;
                onStuck.run();
            }
            return;
        }
        ctx.write(frame, ctx.voidPromise());
        scheduleFlush();
    }

    /** DATA and FIN keep their order relative to each other, per stream and across streams. */
    void writeOrdered(Frame frame) {
        if (dataQueue.isEmpty() && ctx.channel().isWritable()) {
            ctx.write(frame, ctx.voidPromise());
        } else {
            dataQueue.add(frame);
        }
        scheduleFlush();
    }

    /** Moves queued frames to the channel while it stays writable; true when the queue is empty afterwards. */
    boolean drain() {
        Frame frame;
        while (ctx.channel().isWritable() && (frame = dataQueue.poll()) != null) {
            ctx.write(frame, ctx.voidPromise());
        }
        scheduleFlush();
        return dataQueue.isEmpty();
    }

    /** The carrier can take more DATA right now. */
    boolean isWritable() {
        return dataQueue.isEmpty() && ctx.channel().isWritable();
    }

    /** Drops the queued frames of a reset stream: the peer must not see its data after the RST. */
    void purge(int streamId) {
        for (Iterator<Frame> it = dataQueue.iterator(); it.hasNext(); ) {
            Frame frame = it.next();
            if (frame.streamId() == streamId) {
                it.remove();
                frame.release();
            }
        }
    }

    void releaseAll() {
        Frame frame;
        while ((frame = dataQueue.poll()) != null) {
            frame.release();
        }
    }

    /** Bytes written to the channel and not yet taken by the socket. */
    private long backlog() {
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        ctx.flush();
    }
}
