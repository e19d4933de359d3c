package dev.portway.admin;

import dev.portway.storage.tunnels.Tunnel;

import java.util.concurrent.CompletableFuture;

/**
 * Hands a tunnel created through the API to the user's connected client, and takes it back when it is deleted. The
 * server implements it; it checks the user's rights and the client's allowed targets itself, as for any pushed tunnel.
 */
public interface TunnelPusher {
    /**
     * Completes with {@link PushResult#pushed()} when a client of {@code userId} accepted the tunnel, or
     * {@link PushResult#pending(String)} with the reason it did not (no client connected, client refused the target,
     * port not allowed...). The tunnel stays stored either way, and a client that connects later receives it.
     */
    CompletableFuture<PushResult> push(long userId, Tunnel tunnel);

    /**
     * Closes the public listener of {@code tunnel} and its open streams on the server, and tells the owner's
     * connected clients to drop it. Completes once the server side is closed; a tunnel no client holds is no error.
     */
    CompletableFuture<Void> remove(long userId, Tunnel tunnel);
}
