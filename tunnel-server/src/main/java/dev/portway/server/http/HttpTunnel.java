package dev.portway.server.http;

import dev.portway.server.tcp.TunnelCounters;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.access.PeerFilter;
import dev.portway.server.auth.Principal;
import dev.portway.server.limits.ConnectionCap;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.server.tunnel.RouteRefresh;
import dev.portway.server.tunnel.TunnelConnections;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One registered http tunnel: the routes it holds in the {@link HttpVhostRouter}, its header rules and the client
 * session that carries its requests. As a {@link RouteTarget} it stands alone; a member of a load-balancing group
 * is reached through its {@link HttpGroup}, which holds the routes instead.
 *
 * <p>Threading: any thread; the owner is replaced on take-over while event loops read it, hence volatile.
 */
public final class HttpTunnel implements PublicTunnel, RouteTarget {
    private final String name;
    private final Principal principal;
    private final HttpOptions options;
    private final List<HttpRoute> routes;
    private final HttpVhostRouter router;
    private final HeaderPolicy policy;
    /** What the client shows: the main URL first, then the tunnel's other scheme when the server serves both. */
    private final List<String> urls;
    private final TunnelCounters counters;
    /** Public connections whose current request goes to this tunnel, so that deleting it can end them. */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    /** For {@code https: passthrough}: carries raw TLS connections from the https listener; null otherwise. */
    private final TunnelConnections passthrough;
    private final PeerFilter filter;
    private final ConnectionCap cap;
    /** Null when the tunnel has no {@code rateLimit}. */
    private final RequestRateLimiter rateLimiter;
    private final long offlineGraceNanos;
    /** The group this tunnel is a member of, or null when it holds its routes itself. */
    private final HttpGroup group;
    private volatile TunnelSession owner;
    /** Set while the client is gone and its routes are kept for it, answering 502. */
    private volatile boolean offline;
    /** See {@link dev.portway.server.tcp.StreamBridge.Target#holder}. */
    private volatile String holder;
    /** For a tunnel forwarded to another node; null for one whose client is connected here. */
    private final RouteRefresh refresh;
    private ScheduledFuture<?> expiry;

    HttpTunnel(String name, Principal principal, HttpOptions options, List<HttpRoute> routes, HttpVhostRouter router,
               List<String> urls, TunnelCounters counters, TunnelSession owner, TunnelConnections passthrough,
               PeerFilter filter, ConnectionCap cap, Duration offlineGrace, HttpGroup group, String holder,
               RouteRefresh refresh) {
        this.holder = holder;
        this.refresh = refresh;
        this.filter = filter;
        this.cap = cap;
        this.rateLimiter = RequestRateLimiter.of(options.rateLimit());
        this.name = name;
        this.principal = principal;
        this.options = options;
        this.routes = List.copyOf(routes);
        this.router = router;
        this.policy = new HeaderPolicy(options);
        this.urls = List.copyOf(urls);
        this.counters = counters;
        this.owner = owner;
        this.passthrough = passthrough;
        this.offlineGraceNanos = offlineGrace.toNanos();
        this.group = group;
    }

    @Override
    public HttpTunnel pick() {
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    /** What a stream to this tunnel's client is opened with. */
    OpenStream openStream(String peer) {
        return new OpenStream(name, peer, null, holder);
    }

    /**
     * For a tunnel forwarded to another node: completes once where it forwards to was read again (after that node
     * refused a request); null for a tunnel whose client is connected here.
     */
    CompletionStage<Void> refreshRoute() {
        return refresh == null ? null : refresh.refreshed();
    }

    /** Whether its client is connected to another node, which its requests are forwarded to. */
    boolean forwarded() {
        return refresh != null;
    }

    /** 0 when {@code peer} may make one more request now, else the seconds until it may (answered 429). */
    long secondsBeforeNextRequest(InetSocketAddress peer) {
        return rateLimiter == null ? 0 : rateLimiter.secondsToWait(peer);
    }

    /** Its {@code maxConnections}: streams from public HTTP connections count while they stay with it. */
    ConnectionCap cap() {
        return cap;
    }

    /** Which public peers its requests may come from; a refused one is answered 403. */
    public PeerFilter filter() {
        return filter;
    }

    public String user() {
        return principal.user();
    }

    /** The user whose tunnel this is; its requests' streams count against that user's ceiling. */
    public Principal principal() {
        return principal;
    }

    @Override
    public TunnelType type() {
        return TunnelType.HTTP;
    }

    public List<HttpRoute> routes() {
        return routes;
    }

    public HeaderPolicy policy() {
        return policy;
    }

    /** Its traffic (live meters, and storage's history for a stored user) and the bandwidth it is held to. */
    public TunnelCounters counters() {
        return counters;
    }

    /** The session carrying this tunnel now; null or inactive while its client is offline. */
    public TunnelSession owner() {
        return owner;
    }

    @Override
    public void owner(TunnelSession owner) {
        this.owner = owner;
        if (passthrough != null) {
            passthrough.owner(owner);
        }
    }

    @Override
    public void forwardTo(TunnelSession link, String holder) {
        this.holder = holder;
        this.owner = link;
        if (passthrough != null) {
            passthrough.forwardTo(link, holder);
        }
    }

    /** The raw connections of an {@code https: passthrough} tunnel; null for a tunnel the server terminates. */
    public TunnelConnections passthrough() {
        return passthrough;
    }

    @Override
    public String publicAddress(String publicHost) {
        return urls.get(0);
    }

    @Override
    public List<String> alsoAt() {
        return urls.subList(1, urls.size());
    }

    @Override
    public long storedId() {
        return counters.storedId();
    }

    @Override
    public void storedId(long storedId) {
        counters.storedId(storedId);
    }

    @Override
    public boolean satisfies(TunnelSpec spec) {
        return spec.type() == TunnelType.HTTP && options.equals(spec.http())
                && (group == null ? spec.group() == null : group.admitsAgain(spec));
    }

    void track(Channel publicConnection) {
        connections.add(publicConnection);
    }

    void untrack(Channel publicConnection) {
        connections.remove(publicConnection);
    }

    /** Public connections whose requests go to this tunnel now: its load in a least-connections group. */
    int openConnections() {
        return connections.size();
    }

    /**
     * Releases the routes, except when the client's connection is gone: then they stay reserved for the offline
     * grace period, so that visitors see 502 (not 404) and nobody else takes the host names while the client
     * reconnects; the same client's tunnel of the same name reclaims them through {@link #reclaimableBy}. A group
     * member leaves its group at once: the other members serve its routes.
     */
    @Override
    public synchronized void close() {
        TunnelSession session = owner;
        if (group == null && session != null && !session.channel().isActive() && offlineGraceNanos > 0
                && expiry == null) {
            try {
                expiry = session.channel().eventLoop().schedule(this::release, offlineGraceNanos,
                        TimeUnit.NANOSECONDS);
                offline = true;
                return;
            } catch (RejectedExecutionException e) {
                // The server is stopping: nobody will come back for these routes.
            }
        }
        release();
    }

    /** Gives the routes back at once, without the offline grace: for a tunnel forwarded to another node. */
    @Override
    public CompletionStage<Void> closeReleasing() {
        release();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void closeWithConnections() {
        release();
        connections.close();
        if (passthrough != null) {
            passthrough.closeAll();
        }
    }

    /**
     * Whether a new registration of {@code user}'s tunnel {@code tunnelName} may take over this one: offline, or a
     * copy of a tunnel forwarded to another node (its client moved here: the database gave the names over already).
     */
    boolean reclaimableBy(String tunnelUser, String tunnelName) {
        return (offline || forwarded()) && principal.user().equals(tunnelUser) && name.equals(tunnelName);
    }

    /** A route the router hands from one tunnel to the next does not go unserved in between. */
    @Override
    public boolean yieldsInPlace() {
        return forwarded() && group == null;
    }

    /** Gives the routes back at once, or leaves the group. */
    synchronized void release() {
        if (expiry != null) {
            expiry.cancel(false);
        }
        if (group != null) {
            group.leave(this);
        } else {
            router.remove(routes, this);
        }
    }
}
