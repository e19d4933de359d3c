package dev.portway.server.tunnel;

import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.TunnelSession;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One registered tunnel's public side, whatever its type: a TCP or UDP port, or a set of HTTP routes. The client
 * session that registered it holds it and hands it to a successor session on take-over.
 *
 * <p>Threading: every method may be called from any thread.
 */
public interface PublicTunnel {
    /** A client.yaml tunnel has no row in storage; only pushed tunnels have a stored id. */
    long NOT_STORED = 0;

    String name();

    TunnelType type();

    /** What the client is told and shows its user: {@code host:port}, or a URL for an http tunnel. */
    String publicAddress(String publicHost);

    /** Further addresses the public reaches the same tunnel at (an http tunnel's https URL); none by default. */
    default List<String> alsoAt() {
        return List.of();
    }

    /** The public port of a tcp or udp tunnel; 0 for one reached by host name. */
    default int port() {
        return 0;
    }

    /** Moves new public connections to another session of the same client (take-over). */
    void owner(TunnelSession owner);

    /**
     * For a tunnel forwarded to another node: its client took its session over on another node (or the same one,
     * again), with session id {@code holder}; new public connections go over {@code link} to it.
     */
    default void forwardTo(TunnelSession link, String holder) {
        throw new UnsupportedOperationException(type() + " tunnels are not forwarded");
    }

    /**
     * For a tunnel forwarded to another node: whether a tunnel of this node for the same user and name takes its
     * port or routes over as it binds (so the names never go unserved in between), rather than waiting for this one
     * to give them back first.
     */
    default boolean yieldsInPlace() {
        return false;
    }

    long storedId();

    void storedId(long storedId);

    /** Whether registering {@code spec} again can keep this tunnel as it is (same port or routes). */
    boolean satisfies(TunnelSpec spec);

    /** Stops taking new public traffic and releases the port or routes; connections already open run on. */
    void close();

    /** As {@link #close}; completes once its port or routes may be taken again. */
    default CompletionStage<Void> closeReleasing() {
        close();
        return CompletableFuture.completedFuture(null);
    }

    /** Stops taking traffic and ends the open public connections too: for a tunnel the operator deleted. */
    void closeWithConnections();
}
