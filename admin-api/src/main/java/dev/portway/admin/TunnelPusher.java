package dev.portway.admin;

import dev.portway.storage.tunnels.Tunnel;

import java.util.concurrent.CompletableFuture;

/**
 * Hands a tunnel created through the API to the user's connected client. The server implements it; it checks the
 * user's rights and the client's allowed targets itself, as for any pushed tunnel.
 */
@FunctionalInterface
public interface TunnelPusher {
    /**
     * Completes with {@link PushResult#pushed()} when a client of {@code userId} accepted the tunnel, or
     * {@link PushResult#pending(String)} with the reason it did not (no client connected, client refused the target,
     * port not allowed...). The tunnel stays stored either way, and a client that connects later receives it.
     */
    CompletableFuture<PushResult> push(long userId, Tunnel tunnel);
}
