package dev.portway.server.http;

import dev.portway.protocol.mux.TunnelSession;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The backend streams of one public HTTP/2 connection that finished an exchange and may carry another. A later
 * stream of the connection to the same tunnel takes one instead of opening a tunnel stream of its own (and, behind
 * it, a new connection from the client to the local service), as an HTTP/1.1 keep-alive connection keeps its stream
 * for its next request. Without it every HTTP/2 request paid a stream open and a local connect.
 *
 * <p>At most {@link #MAX_IDLE} wait, the most recently used taken first; beyond, the oldest is finished. A waiting
 * stream keeps what it holds of its user's {@code limits.streamsPerUser} and of its tunnel's {@code maxConnections},
 * as a keep-alive connection's stream does. While a stream waits this is its listener: a stream that ends leaves,
 * and one whose local service answers unasked is reset.
 *
 * <p>Threading: the connection's event loop, which its streams share. Reference counting: releases what a waiting
 * stream delivers. Closing: {@link #close} (the connection closed) finishes every waiting stream, and any parked
 * later.
 */
final class IdleBackends implements BackendStream.Listener {
    static final int MAX_IDLE = 16;

    private final ArrayDeque<BackendStream> idle = new ArrayDeque<>();
    private boolean closed;

    /** Keeps {@code backend}, whose exchange is complete, for a later stream; or finishes it. */
    void park(BackendStream backend) {
        if (closed || !backend.reusable()) {
            backend.finish();
            return;
        }
        backend.listener(this);
        idle.addLast(backend);
        if (idle.size() > MAX_IDLE) {
            idle.pollFirst().finish();
        }
    }

    /** A waiting stream to {@code tunnel} on {@code session}, no longer waiting; null when there is none. */
    BackendStream take(HttpTunnel tunnel, TunnelSession session) {
        for (Iterator<BackendStream> it = idle.descendingIterator(); it.hasNext(); ) {
            BackendStream backend = it.next();
            if (backend.canCarry(tunnel, session)) {
                it.remove();
                return backend;
            }
        }
        return null;
    }

    void close() {
        closed = true;
        BackendStream backend;
        while ((backend = idle.poll()) != null) {
            backend.finish();
        }
    }

    @Override
    public void onResponseHead(BackendStream backend, HttpResponse head, ResponseFramer.Body body) {
        idle.remove(backend);
        backend.reset();
    }

    @Override
    public void onResponseBody(BackendStream backend, ByteBuf bytes, int payload) {
        bytes.release();
    }

    @Override
    public void onResponseEnd(BackendStream backend) {
    }

    @Override
    public void onDelivered(BackendStream backend, int rawBytes) {
        backend.consumed(rawBytes);
    }

    @Override
    public void onUpgradedFinish(BackendStream backend) {
    }

    @Override
    public void onEnded(BackendStream backend, boolean reset) {
        idle.remove(backend);
    }
}
