package dev.portway.protocol.mux;

import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.control.OpenStream;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;

/**
 * One bidirectional byte stream inside a {@link TunnelSession}. Every method may be called from any thread;
 * work is carried out on the session's event loop, in call order.
 */
public interface TunnelStream {
    int id();

    /** The tunnel this stream belongs to and the public peer it carries. */
    OpenStream open();

    /** Queues bytes for the peer, taking ownership of {@code data}. Never blocks and never fails synchronously. */
    void write(ByteBuf data);

    /**
     * Runs {@code task} on the session's event loop as soon as the stream has credit and the carrier can take
     * more, which may be at once. A source should read its next chunk only from such a task: that is what keeps
     * the bytes queued for a stream within its window. One task waits at a time; a newer one replaces it.
     */
    void whenWritable(Runnable task);

    /** Tells the stream that {@code bytes} delivered through {@link StreamHandler#onData} have been drained. */
    void consumed(int bytes);

    /** Half-closes this side after every byte written so far (FIN). */
    void finish();

    /** Aborts the stream in both directions, discarding what is queued (RST). */
    void reset(ErrorCode code, String reason);

    /** Succeeds when both sides have finished; fails with {@link StreamResetException} on reset or carrier loss. */
    Future<Void> closeFuture();

    TunnelSession session();
}
