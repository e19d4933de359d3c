package dev.portway.protocol.mux;

import dev.portway.protocol.control.ControlMessage;

import java.util.concurrent.CompletableFuture;

/** A listener that refuses streams, ignores control messages and completes {@code closed} with the close cause. */
record ClosingListener(CompletableFuture<Throwable> closed) implements SessionListener {
    @Override
    public void onControl(TunnelSession session, ControlMessage message) {
    }

    @Override
    public StreamHandler onStreamOpened(TunnelSession session, TunnelStream stream) {
        return null;
    }

    @Override
    public void onClosed(TunnelSession session, Throwable cause) {
        closed.complete(cause);
    }
}
