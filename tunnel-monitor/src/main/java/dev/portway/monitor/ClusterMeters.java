package dev.portway.monitor;

import java.util.function.LongSupplier;

/**
 * What a server that is a node of a cluster tells its meters about the cluster, as this node sees it.
 *
 * <p>Threading: any thread.
 */
public interface ClusterMeters {
    /** Records nothing: a server without meters. */
    ClusterMeters NONE = new ClusterMeters() {
        @Override
        public void liveNodes(int count) {
        }

        @Override
        public void nodeReaped() {
        }

        @Override
        public void takeover() {
        }
    };

    /**
     * A stream another node forwarded reached one of this node's clients ({@code accepted}), or was refused because
     * this node no longer holds its session or tunnel.
     */
    default void forwardedStream(boolean accepted) {
    }

    /** This node's link to {@code peer} is up; {@code rttNanos} reads its last round-trip time (negative: none yet). */
    default void link(String peer, LongSupplier rttNanos) {
    }

    /** The nodes alive (heartbeat younger than {@code deadAfter}) at this node's last heartbeat, itself included. */
    void liveNodes(int count);

    /** This node deleted a node that had stopped beating, with its sessions and claims. */
    void nodeReaped();

    /** A client whose session another node held took it over on this node. */
    void takeover();
}
