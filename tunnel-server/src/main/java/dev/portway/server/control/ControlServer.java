package dev.portway.server.control;

import dev.portway.monitor.AuthFailureReason;
import dev.portway.monitor.TunnelMetrics;
import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.SessionSettings;
import dev.portway.protocol.transport.Transport;
import dev.portway.server.access.AddressGuard;
import dev.portway.server.access.PeerFilter;
import dev.portway.server.auth.AuthFailureThrottle;
import dev.portway.server.auth.Authenticator;
import dev.portway.server.plans.UserAccounts;
import dev.portway.server.claims.NameClaims;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.limits.SourceLimits;
import dev.portway.server.tunnel.TunnelBinder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.Map;

/** The control listener and the client connections it accepted. */
public final class ControlServer {
    private final ServerBootstrap bootstrap;
    private final ServerConfig config;
    private final SessionRegistry registry;
    private final ChannelGroup carriers = new DefaultChannelGroup("carriers", GlobalEventExecutor.INSTANCE);
    private final ControlChannelInitializer initializer;
    private final SourceLimits sourceLimits;
    private final PeerFilter clients;
    private final TunnelMetrics metrics;
    private volatile Channel listener;

    public ControlServer(EventLoopGroup bossGroup, EventLoopGroup workerGroup, Transport transport, SslContext sslContext,
                         SessionSettings settings, SessionRegistry registry, Authenticator authenticator,
                         AuthFailureThrottle throttle, Map<TunnelType, TunnelBinder> binders, ServerConfig config,
                         TunnelMetrics metrics, SessionHooks hooks, NameClaims claims, PeerFilter clients,
                         UserAccounts accounts, SessionLedger ledger, OtherNodes otherNodes) {
        this.config = config;
        this.registry = registry;
        ControlContext context = new ControlContext(authenticator, throttle, registry, Map.copyOf(binders), config.publicHost(),
                config.handshakeTimeout(), metrics, hooks, accounts, claims, ledger, otherNodes);
        this.clients = clients;
        this.metrics = metrics;
        this.initializer = new ControlChannelInitializer(sslContext, settings, context, carriers);
        this.sourceLimits = new SourceLimits("control", config.limits().connectionsPerSource(),
                config.limits().handshakesPerSource(), source -> metrics.authFailure(AuthFailureReason.SOURCE_LIMIT));
        this.bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(AddressGuard.guard(clients,
                        refused -> metrics.authFailure(AuthFailureReason.ADDRESS_DENIED),
                        sourceLimits.guard(initializer)));
    }

    /** The control port's per-address ceilings, which a reload resizes. */
    public SourceLimits sourceLimits() {
        return sourceLimits;
    }

    /**
     * Takes a client connection that arrived on another listener (a WebSocket on the HTTPS port, once upgraded) as if
     * it had come to the control port: the same address rules, per-source ceilings, handshake deadline and
     * authentication. Call on the channel's event loop, with the connection's handlers for its carrier in place.
     *
     * @param peer the client's address (from a PROXY header when the listener trusts one)
     */
    public void adopt(Channel ch, InetSocketAddress peer) {
        if (!clients.permits(peer)) {
            metrics.authFailure(AuthFailureReason.ADDRESS_DENIED);
            ch.close();
            return;
        }
        if (sourceLimits.admit(ch, peer.getAddress())) {
            initializer.installSession(ch);
        }
    }

    public InetSocketAddress bind() throws InterruptedException {
        listener = bootstrap.bind(config.bind(), config.controlPort()).sync().channel();
        return (InetSocketAddress) listener.localAddress();
    }

    /** Whether the control listener is bound and accepting: part of the admin API's readiness. */
    public boolean isBound() {
        Channel bound = listener;
        return bound != null && bound.isActive();
    }

    /**
     * Stops accepting clients; connected clients stay until closed.
     *
     * @param closeTunnels also close every public tunnel port and give its names back, as a single server does; a
     *                     cluster node keeps them for its clients to take along to their next node
     */
    public void stopAccepting(boolean closeTunnels) {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        if (closeTunnels) {
            registry.all().forEach(ClientSession::closeTunnels);
        }
    }

    public void closeAll() {
        registry.all().forEach(s -> s.session().close(ErrorCode.SHUTTING_DOWN, "server stopped"));
        carriers.close().awaitUninterruptibly();
    }
}
