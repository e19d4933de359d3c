package dev.portway.server.http;

import dev.portway.monitor.TunnelTraffic;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.server.tunnel.TunnelConnections;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.List;

/**
 * One registered http tunnel: the routes it holds in the {@link HttpVhostRouter}, its header rules and the client
 * session that carries its requests. As a {@link RouteTarget} it stands alone; a load-balancing group would hold
 * several of these.
 *
 * <p>Threading: any thread; the owner is replaced on take-over while event loops read it, hence volatile.
 */
public final class HttpTunnel implements PublicTunnel, RouteTarget {
    private final String name;
    private final String user;
    private final HttpOptions options;
    private final List<HttpRoute> routes;
    private final HttpVhostRouter router;
    private final HeaderPolicy policy;
    private final String url;
    private final TunnelTraffic traffic;
    /** Public connections whose current request goes to this tunnel, so that deleting it can end them. */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    /** For {@code https: passthrough}: carries raw TLS connections from the https listener; null otherwise. */
    private final TunnelConnections passthrough;
    private volatile TunnelSession owner;
    private volatile long storedId = NOT_STORED;

    HttpTunnel(String name, String user, HttpOptions options, List<HttpRoute> routes, HttpVhostRouter router,
               String url, TunnelTraffic traffic, TunnelSession owner, TunnelConnections passthrough) {
        this.name = name;
        this.user = user;
        this.options = options;
        this.routes = List.copyOf(routes);
        this.router = router;
        this.policy = new HeaderPolicy(options);
        this.url = url;
        this.traffic = traffic;
        this.owner = owner;
        this.passthrough = passthrough;
    }

    @Override
    public HttpTunnel pick() {
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    public String user() {
        return user;
    }

    @Override
    public TunnelType type() {
        return TunnelType.HTTP;
    }

    /** The tunnel's options as registered, e.g. its {@code https} mode for an SNI router. */
    public HttpOptions options() {
        return options;
    }

    public List<HttpRoute> routes() {
        return routes;
    }

    public HeaderPolicy policy() {
        return policy;
    }

    public TunnelTraffic traffic() {
        return traffic;
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

    /** The raw connections of an {@code https: passthrough} tunnel; null for a tunnel the server terminates. */
    public TunnelConnections passthrough() {
        return passthrough;
    }

    @Override
    public String publicAddress(String publicHost) {
        return url;
    }

    @Override
    public long storedId() {
        return storedId;
    }

    @Override
    public void storedId(long storedId) {
        this.storedId = storedId;
    }

    @Override
    public boolean satisfies(TunnelSpec spec) {
        return spec.type() == TunnelType.HTTP && options.equals(spec.http());
    }

    void track(Channel publicConnection) {
        connections.add(publicConnection);
    }

    void untrack(Channel publicConnection) {
        connections.remove(publicConnection);
    }

    @Override
    public void close() {
        router.remove(routes, this);
    }

    @Override
    public void closeWithConnections() {
        close();
        connections.close();
        if (passthrough != null) {
            passthrough.closeAll();
        }
    }
}
