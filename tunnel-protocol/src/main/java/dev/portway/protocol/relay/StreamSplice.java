package dev.portway.protocol.relay;

import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelStream;
import io.netty.buffer.ByteBuf;

import java.util.ArrayDeque;

/**
 * Joins two {@link TunnelStream}s of two sessions end to end, as a server node joins a stream forwarded by another
 * node to a stream of its own client: bytes, FIN and RST pass through unchanged, so the endings table of
 * docs/protocol.md holds across the hop.
 *
 * <p>Flow control: bytes read from one stream are handed back as credit only once the other stream can take more,
 * so what waits between the two is bounded by the sending stream's window, and a slow reader on one end throttles
 * the other end's stream and nothing else.
 *
 * <p>Threading: the two streams may live on two event loops; each direction's callbacks arrive on its source's loop,
 * and state shared with the other side is guarded by the direction's lock. Reference counting: owns the bytes of a
 * direction until it wrote them to the other stream; bytes that arrive before the other stream exists wait, bounded
 * by the source's window, and are released if it never comes.
 */
public final class StreamSplice {
    private final Direction towardsSecond = new Direction();
    private final Direction towardsFirst = new Direction();

    /** @param first the stream that exists already; the second is opened for it and attached later */
    public StreamSplice(TunnelStream first) {
        towardsSecond.from = first;
        towardsFirst.attach(first);
    }

    /** Receives what the first stream's peer sends. */
    public StreamHandler first() {
        return towardsSecond;
    }

    /** Receives what the second stream's peer sends. */
    public StreamHandler second() {
        return towardsFirst;
    }

    /** The second stream opened; bytes of the first that arrived meanwhile go to it now. */
    public void attachSecond(TunnelStream stream) {
        towardsSecond.attach(stream);
    }

    /** The second stream could not be opened: the first is reset with the reason, and what waited is released. */
    public void failSecond(ErrorCode code, String reason) {
        towardsSecond.fail(code, reason);
    }

    /** Bytes from one stream to the other. */
    private static final class Direction implements StreamHandler {
        private final ArrayDeque<ByteBuf> early = new ArrayDeque<>();
        private final Runnable credit = this::credit;
        private TunnelStream from;
        private TunnelStream to;
        private boolean finished;
        private ErrorCode resetCode;
        private String resetReason;
        private boolean failed;
        /** Bytes written to {@code to} and not yet given back to {@code from} as credit. */
        private int uncredited;

        synchronized void attach(TunnelStream stream) {
            to = stream;
            if (failed) {
                return;
            }
            while (!early.isEmpty()) {
                forward(early.poll());
            }
            if (resetCode != null) {
                to.reset(resetCode, resetReason);
            } else if (finished) {
                to.finish();
            }
        }

        synchronized void fail(ErrorCode code, String reason) {
            failed = true;
            releaseEarly();
            from.reset(code, reason);
        }

        @Override
        public synchronized void onData(TunnelStream stream, ByteBuf data) {
            from = stream;
            if (failed) {
                int bytes = data.readableBytes();
                data.release();
                stream.consumed(bytes);
            } else if (to == null) {
                early.add(data);
            } else {
                forward(data);
            }
        }

        @Override
        public synchronized void onFinish(TunnelStream stream) {
            from = stream;
            finished = true;
            if (to != null && !failed) {
                to.finish();
            }
        }

        @Override
        public synchronized void onReset(TunnelStream stream, ErrorCode code, String reason) {
            from = stream;
            releaseEarly();
            if (to != null) {
                to.reset(code, reason);
            } else if (!failed) {
                resetCode = code;
                resetReason = reason;
            }
        }

        private void forward(ByteBuf data) {
            uncredited += data.readableBytes();
            to.write(data);
            to.whenWritable(credit);
        }

        private void credit() {
            TunnelStream source;
            int bytes;
            synchronized (this) {
                source = from;
                bytes = uncredited;
                uncredited = 0;
            }
            if (bytes > 0 && source != null) {
                source.consumed(bytes);
            }
        }

        private void releaseEarly() {
            while (!early.isEmpty()) {
                early.poll().release();
            }
        }
    }
}
