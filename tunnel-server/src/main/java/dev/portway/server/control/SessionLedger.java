package dev.portway.server.control;

import dev.portway.protocol.control.TunnelSpec;
import dev.portway.server.tunnel.PublicTunnel;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sessions and the public names their tunnels hold, as the other nodes of a cluster must see them: written before
 * a client is accepted and before a tunnel binds, so two nodes never hand one client id, port or host to two
 * clients. A single node keeps none of it ({@link #NONE}): its registry and binders decide alone, as always.
 *
 * <p>Threading: called on session event loops; implementations never block, and their futures complete on other
 * threads.
 */
public interface SessionLedger {
    SessionLedger NONE = new SessionLedger() {
    };

    /** Records {@code session} (its client id and principal are set) and takes the client's session over from any
     * node; completes with why the client is refused, or null. */
    default CompletionStage<String> open(ClientSession session) {
        return CompletableFuture.completedFuture(null);
    }

    /** Takes the names {@code spec} asks for, before binding; completes with why not, or null. */
    default CompletionStage<String> claim(ClientSession session, TunnelSpec spec) {
        return CompletableFuture.completedFuture(null);
    }

    /** Takes what only binding decided (a port the server picked); completes with why not, or null. */
    default CompletionStage<String> claimBound(ClientSession session, TunnelSpec spec, PublicTunnel tunnel) {
        return CompletableFuture.completedFuture(null);
    }

    /** The tunnel {@code name} of {@code session} closed: what it held is free. */
    default void release(ClientSession session, String name) {
    }

    /**
     * The client's first registration was answered: a session of the same client it took over on another node may
     * finish there.
     */
    default void registered(ClientSession session) {
    }

    /** The session ended. */
    default void closed(ClientSession session) {
    }
}
