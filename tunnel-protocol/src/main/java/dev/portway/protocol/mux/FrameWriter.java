package dev.portway.protocol.mux;

import dev.portway.protocol.frame.Frame;
import io.netty.channel.ChannelHandlerContext;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Orders outbound frames. Urgent frames (control, PING/PONG, WINDOW_UPDATE, OPEN, RST) go to the channel at
 * once; DATA and FIN wait in a queue while the channel is not writable, so urgent frames overtake bulk
 * transfers instead of queueing behind them. Writes within one event-loop turn share one flush.
 *
 * <p>Threading: the session's event loop only. Reference counting: owns queued frames until written or purged.
 */
final class FrameWriter {
    private final ChannelHandlerContext ctx;
    private final ArrayDeque<Frame> dataQueue = new ArrayDeque<>();
    private final Runnable flushTask = this::flushNow;
    private boolean flushScheduled;

    FrameWriter(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void writeUrgent(Frame frame) {
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
