package dev.portway.server.tcp;

import dev.portway.protocol.relay.ByteCountingHandler;

/**
 * Counts one public connection's bytes for the tunnel that carries it, when that tunnel is chosen only after the
 * connection was accepted (a load-balancing group): bytes that pass before a member is chosen are held and handed
 * to it, and a connection that moves to another member counts its later bytes there.
 *
 * <p>Threading: the connection's event loop only (the byte counter's callbacks and {@link #carriedBy}).
 */
final class ConnectionTraffic {
    private final ByteCountingHandler handler = new ByteCountingHandler(this::bytesIn, this::bytesOut);
    private TunnelCounters counters;
    private long heldIn;
    private long heldOut;

    /** This connection's own counter, for its pipeline. */
    ByteCountingHandler handler() {
        return handler;
    }

    void carriedBy(TunnelCounters counters) {
        this.counters = counters;
        if (heldIn > 0) {
            counters.bytesIn(heldIn);
            heldIn = 0;
        }
        if (heldOut > 0) {
            counters.bytesOut(heldOut);
            heldOut = 0;
        }
    }

    private void bytesIn(long bytes) {
        if (counters == null) {
            heldIn += bytes;
        } else {
            counters.bytesIn(bytes);
        }
    }

    private void bytesOut(long bytes) {
        if (counters == null) {
            heldOut += bytes;
        } else {
            counters.bytesOut(bytes);
        }
    }
}
