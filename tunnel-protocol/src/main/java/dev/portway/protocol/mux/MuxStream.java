package dev.portway.protocol.mux;

import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.ProtocolException;
import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.frame.Frame;
import dev.portway.protocol.frame.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.util.ArrayDeque;

/**
 * The session's side of one stream: send credit, the receive window and the half-close states.
 *
 * <p>Threading: state changes only on the session's event loop; the public methods hop there when called
 * from elsewhere. Reference counting: owns written buffers until they leave as DATA frames or the stream resets.
 */
final class MuxStream implements TunnelStream {
    private final TunnelSession session;
    private final EventExecutor loop;
    private final int id;
    private final OpenStream open;
    private final StreamWindow receiveWindow;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private final Promise<Void> closeFuture;
    private StreamHandler handler;
    private long sendCredit;
    private Runnable writableTask;
    private boolean runningWritableTask;
    private boolean finishRequested;
    private boolean finSent;
    private boolean remoteFinished;
    private boolean closed;

    MuxStream(TunnelSession session, EventExecutor loop, int id, OpenStream open, int sendCredit,
              StreamWindow receiveWindow) {
        this.session = session;
        this.loop = loop;
        this.id = id;
        this.open = open;
        this.sendCredit = sendCredit;
        this.receiveWindow = receiveWindow;
        this.closeFuture = loop.newPromise();
    }

    void handler(StreamHandler handler) {
        this.handler = handler;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public OpenStream open() {
        return open;
    }

    @Override
    public TunnelSession session() {
        return session;
    }

    @Override
    public Future<Void> closeFuture() {
        return closeFuture;
    }

    @Override
    public void write(ByteBuf data) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> write(data));
            return;
        }
        if (closed || finishRequested || !data.isReadable()) {
            data.release();
            return;
        }
        pending.add(data);
        sendPending();
    }

    @Override
    public void whenWritable(Runnable task) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> whenWritable(task));
            return;
        }
        if (closed) {
            return;
        }
        writableTask = task;
        runWritableTask();
    }

    @Override
    public void consumed(int bytes) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> consumed(bytes));
            return;
        }
        if (closed || remoteFinished) {
            return;
        }
        int credit = receiveWindow.onConsumed(bytes);
        if (credit > 0) {
            ByteBuf increment = session.alloc().buffer(4).writeInt(credit);
            session.writer().writeUrgent(new Frame(FrameType.WINDOW_UPDATE, 0, id, increment));
        }
    }

    @Override
    public void finish() {
        if (!loop.inEventLoop()) {
            loop.execute(this::finish);
            return;
        }
        if (closed || finishRequested) {
            return;
        }
        finishRequested = true;
        sendPending();
    }

    @Override
    public void reset(ErrorCode code, String reason) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> reset(code, reason));
            return;
        }
        if (closed) {
            return;
        }
        session.sendReset(id, code, reason);
        terminate(new StreamResetException(code, reason));
    }

    boolean isWritable() {
        return !closed && !finishRequested && pending.isEmpty() && sendCredit > 0 && session.writer().isWritable();
    }

    /** Sends what credit allows; marks the frame that used the last credit while bytes still wait. */
    private void sendPending() {
        int maxPayload = session.peerMaxFramePayload();
        while (!pending.isEmpty() && sendCredit > 0) {
            ByteBuf head = pending.peek();
            int length = (int) Math.min(Math.min(head.readableBytes(), sendCredit), maxPayload);
            ByteBuf chunk;
            if (length == head.readableBytes()) {
                chunk = pending.poll();
            } else {
                chunk = head.readRetainedSlice(length);
            }
            sendCredit -= length;
            boolean starved = sendCredit == 0 && !pending.isEmpty();
            session.writer().writeOrdered(new Frame(FrameType.DATA, starved ? Frame.FLAG_CREDIT_EXHAUSTED : 0, id, chunk));
        }
        if (finishRequested && !finSent && pending.isEmpty()) {
            finSent = true;
            session.writer().writeOrdered(Frame.empty(FrameType.FIN, id));
            closeIfDone();
        }
        runWritableTask();
    }

    void onWindowUpdate(int increment) {
        if (sendCredit + increment > Integer.MAX_VALUE) {
            throw ProtocolException.connectionError(ErrorCode.FLOW_CONTROL_ERROR,
                    "WINDOW_UPDATE of %d on stream %d overflows its window of %d", increment, id, sendCredit);
        }
        sendCredit += increment;
        sendPending();
    }

    void onData(Frame frame) {
        ByteBuf data = frame.content();
        if (remoteFinished) {
            throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR, "DATA on stream %d after its FIN", id);
        }
        if (!receiveWindow.onData(data.readableBytes(), frame.hasFlag(Frame.FLAG_CREDIT_EXHAUSTED))) {
            throw ProtocolException.connectionError(ErrorCode.FLOW_CONTROL_ERROR,
                    "stream %d sent %d bytes with only %d bytes of window left",
                    id, data.readableBytes(), receiveWindow.available());
        }
        handler.onData(this, data.retain());
    }

    void onFin() {
        if (remoteFinished) {
            throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR, "second FIN on stream %d", id);
        }
        remoteFinished = true;
        handler.onFinish(this);
        closeIfDone();
    }

    /**
     * The stream's own handler threw: the peer gets RST, and the handler hears {@code onReset} like any other ending,
     * so it lets go of what it holds (a local socket) instead of keeping it open for a stream that is gone. A handler
     * that throws again from {@code onReset} is not called a third time.
     */
    void resetAfterHandlerFailure() {
        if (closed) {
            return;
        }
        session.sendReset(id, ErrorCode.INTERNAL_ERROR, "internal error");
        onReset(ErrorCode.INTERNAL_ERROR, "internal error");
    }

    void onReset(ErrorCode code, String reason) {
        if (terminate(new StreamResetException(code, reason))) {
            handler.onReset(this, code, reason);
        }
    }

    /**
     * The session re-checks every stream when the carrier's writability changes. A task that writes and asks
     * again (the usual source loop) is run by the loop below, not nested inside itself: with megabytes of credit
     * and small writes, nesting overflowed the stack.
     */
    void runWritableTask() {
        if (runningWritableTask) {
            return;
        }
        runningWritableTask = true;
        try {
            Runnable task;
            while ((task = writableTask) != null && isWritable()) {
                writableTask = null;
                task.run();
            }
        } finally {
            runningWritableTask = false;
        }
    }

    int bufferedForPeer() {
        return receiveWindow.unconsumed();
    }

    int receiveWindowSize() {
        return receiveWindow.window();
    }

    private void closeIfDone() {
        if (finSent && remoteFinished && !closed) {
            closed = true;
            receiveWindow.release();
            session.streamClosed(this);
            closeFuture.trySuccess(null);
        }
    }

    /** Ends the stream abnormally; false when it had already ended. */
    private boolean terminate(StreamResetException cause) {
        if (closed) {
            return false;
        }
        closed = true;
        writableTask = null;
        ByteBuf buf;
        while ((buf = pending.poll()) != null) {
            buf.release();
        }
        session.writer().purge(id);
        receiveWindow.release();
        session.streamClosed(this);
        closeFuture.tryFailure(cause);
        return true;
    }
}
