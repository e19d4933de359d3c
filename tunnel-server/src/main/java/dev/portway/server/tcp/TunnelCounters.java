package dev.portway.server.tcp;

import dev.portway.monitor.TunnelTraffic;
import dev.portway.protocol.relay.Bandwidth;
import dev.portway.protocol.relay.BandwidthThrottle;
import dev.portway.protocol.relay.ByteCountingHandler;
import dev.portway.server.auth.Principal;
import dev.portway.server.plans.UserAccounts;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.storage.traffic.TrafficCounter;

/**
 * What one tunnel counts of its public connections (for a udp tunnel: its flows): bytes into the live meters, and
 * for a tunnel of a stored user also bytes and connections into storage's hourly history, which plans' allowances
 * are counted from: under the tunnel's id when it was pushed from storage, under
 * {@link TrafficCounter#UNSTORED_TUNNEL} when the client declared it. One counting hook feeds both, so the two cannot
 * disagree. It also says whose tunnel it is, so that its connections and flows count against that user's ceilings,
 * and holds the bandwidth its connections are throttled to: the tunnel's own and its user's, as the user's plan says.
 * Thread-safe: every connection of the tunnel shares one instance.
 */
public final class TunnelCounters {
    private final TunnelTraffic live;
    private final TrafficCounter history;
    private final Principal owner;
    private final ByteCountingHandler handler;
    private final UserAccounts.Account account;
    private final Bandwidth bandwidth;
    /** The tunnel's id in storage when it was pushed from there; {@link PublicTunnel#NOT_STORED} otherwise. */
    private volatile long storedId = PublicTunnel.NOT_STORED;

    /**
     * @param history storage's traffic counter, null without a database
     * @param owner   the user whose tunnel it is; its id in storage keys the history
     * @param account the owner's terms on this node
     */
    public TunnelCounters(TunnelTraffic live, TrafficCounter history, Principal owner, UserAccounts.Account account) {
        this.history = history;
        this.owner = owner;
        this.live = live;
        this.handler = new ByteCountingHandler(this::bytesIn, this::bytesOut);
        this.account = account;
        this.bandwidth = account.tunnelBandwidth();
    }

    /** The owner's terms on this node. */
    public UserAccounts.Account account() {
        return account;
    }

    /** A throttle holding one public connection to this tunnel's and its user's bandwidth. */
    public BandwidthThrottle throttle() {
        return new BandwidthThrottle(bandwidth, account.bandwidth());
    }

    /** Holds a connection's throttle to this tunnel's and its user's bandwidth from now on. */
    public void holdTo(BandwidthThrottle throttle) {
        throttle.follow(bandwidth, account.bandwidth());
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
        if (counted()) {
            history.addConnection(historyId(), owner.userId());
        }
    }

    private void record(long in, long out) {
        if (counted()) {
            history.addBytes(historyId(), owner.userId(), in, out);
        }
    }

    /** A static token's user has no row to count against. */
    private boolean counted() {
        return history != null && owner.userId() != Principal.NOT_STORED;
    }

    private long historyId() {
        long id = storedId;
        return id == PublicTunnel.NOT_STORED ? TrafficCounter.UNSTORED_TUNNEL : id;
    }
}
