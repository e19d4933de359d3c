package dev.portway.server.cluster.link;

/** What forwarding between nodes counts. Any thread. */
public interface ForwardingMeters {
    ForwardingMeters NONE = new ForwardingMeters() {
    };

    /** A stream forwarded by another node reached its client here. */
    default void received() {
    }

    /** A stream forwarded by another node named a session or tunnel this node does not hold. */
    default void refused() {
    }
}
