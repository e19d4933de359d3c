package dev.portway.server.tcp;

import dev.portway.monitor.TunnelTraffic;
import dev.portway.protocol.relay.ByteCountingHandler;
import dev.portway.server.auth.Principal;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.storage.traffic.TrafficCounter;

/**
 * What one tunnel counts of its public connections (for a udp tunnel: its flows): bytes into the live meters, and
 * for a tunnel pushed from storage also bytes and connections into storage's hourly history. One counting hook feeds both, so the two cannot
 * disagree. It also says whose tunnel it is, so that its connections and flows count against that user's ceilings.
 * Thread-safe: every connection of the tunnel shares one instance.
 */
public final class TunnelCounters {
    private final TunnelTraffic live;
    private final TrafficCounter history;
    private final Principal owner;
    private final ByteCountingHandler handler;
    /** The tunnel's id in storage when it was pushed from there; {@link PublicTunnel#NOT_STORED} otherwise. */
    private volatile long storedId = PublicTunnel.NOT_STORED;

    /**
     * @param history storage's traffic counter, null without a database
     * @param owner   the user whose tunnel it is; its id in storage keys the history
     */
    public TunnelCounters(TunnelTraffic live, TrafficCounter history, Principal owner) {
        this.history = history;
        this.owner = owner;
        this.live = live;
        this.handler = new ByteCountingHandler(this::bytesIn, this::bytesOut);
    }

    /** Shared by every public connection of the tunnel: read bytes count as {@code in}, written as {@code out}. */
    public ByteCountingHandler handler() {
        return handler;
    }

    /** Bytes read from a public connection. */
    public void bytesIn(long bytes) {
        live.bytesIn(bytes);
        record(bytes, 0);
    }

    /** Bytes written to a public connection. */
    public void bytesOut(long bytes) {
        live.bytesOut(bytes);
        record(0, bytes);
    }

    /** The user whose tunnel it is. */
    public Principal owner() {
        return owner;
    }

    public long storedId() {
        return storedId;
    }

    public void storedId(long storedId) {
        this.storedId = storedId;
    }

    /** A public connection reached the client. */
    public void connectionOpened() {
        long id = storedId;
        if (id != PublicTunnel.NOT_STORED && history != null) {
            history.addConnection(id, owner.userId());
        }
    }

    /** A client.yaml tunnel has no row to count against; only pushed (stored) tunnels get a history. */
    private void record(long in, long out) {
        long id = storedId;
        if (id != PublicTunnel.NOT_STORED && history != null) {
            history.addBytes(id, owner.userId(), in, out);
        }
    }
}
