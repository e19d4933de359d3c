package dev.portway.server.tcp;

import dev.portway.monitor.TunnelMetrics;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.access.PeerFilter;
import dev.portway.server.access.PeerFilters;
import dev.portway.server.auth.Principal;
import dev.portway.server.limits.ConnectionCap;
import dev.portway.server.limits.UserCeiling;
import dev.portway.server.plans.UserAccounts;
import dev.portway.server.proxyprotocol.ProxyProtocolInbound;
import dev.portway.server.tunnel.ForwardingBinder;
import dev.portway.server.tunnel.PortBinding;
import dev.portway.server.tunnel.PublicPort;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.server.tunnel.RouteRefresh;
import dev.portway.server.tunnel.TunnelBinder;
import dev.portway.server.tunnel.TunnelRefusedException;
import dev.portway.storage.traffic.TrafficCounter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Opens public TCP ports for tunnels: reserves the port, binds it without blocking the caller's event loop, and
 * when the server picks the port, moves on to another one if the operating system already has it in use.
 */
public final class TcpTunnelBinder implements TunnelBinder, ForwardingBinder {
    private final ServerBootstrap template;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final String bindHost;
    private final PortAllocator ports;
    private final TunnelMetrics metrics;
    private final TrafficCounter history;
    private final StreamBridge bridge;
    private final UserAccounts accounts;

    /**
     * @param template  a bootstrap with channel type and child options set but no groups; it is cloned per port
     * @param acceptors the group that accepts on public ports
     * @param workers   where connections of ports without a preferred loop run
     * @param history  storage's traffic counter for stored tunnels; null without a database
     * @param proxyProtocol whom to believe about a public connection's real peer
     * @param streams   {@code limits.streamsPerUser}, which every public connection counts against
     * @param filters  the server's address rules, and each tunnel's own
     * @param accounts the users' plans: connection caps and bandwidth
     */
    public TcpTunnelBinder(ServerBootstrap template, EventLoopGroup acceptors, EventLoopGroup workers, String bindHost,
                           PortAllocator ports, TunnelMetrics metrics, TrafficCounter history,
                           ProxyProtocolInbound proxyProtocol, UserCeiling streams, PeerFilters filters,
                           UserAccounts accounts) {
        this.template = template;
        this.acceptors = acceptors;
        this.workers = workers;
        this.bindHost = bindHost;
        this.ports = ports;
        this.metrics = metrics;
        this.history = history;
        this.accounts = accounts;
        this.bridge = new StreamBridge(metrics, proxyProtocol, streams, filters);
    }

    /**
     * Binds the spec's {@code remotePort}, or a free allowed port when it is 0. Fails with
     * {@link TunnelRefusedException}.
     */
    @Override
    public CompletionStage<PublicTunnel> open(TunnelSpec spec, TunnelSession owner, Principal principal) {
        return open(spec, owner, principal, null);
    }

    /** Binds the same port as the tunnel holds on the node of its client; {@code spec} names it. */
    @Override
    public CompletionStage<PublicTunnel> forward(TunnelSpec spec, TunnelSession link, Principal principal,
                                                 String holder, RouteRefresh refresh) {
        return open(spec, link, principal, holder);
    }

    /**
     * Binds the spec's {@code remotePort}, or a free allowed port when it is 0; the user's plan may hold the tunnel
     * to fewer connections than its {@code maxConnections}. Fails with {@link TunnelRefusedException}.
     */
    private CompletionStage<PublicTunnel> open(TunnelSpec spec, TunnelSession owner, Principal principal,
                                               String holder) {
        PeerFilter filter = bridge.filters().forTunnel(spec.ipRulesOrNone());
        TunnelCounters counters = counters(spec.name(), principal);
        ConnectionCap cap = counters.account().tunnelCap(spec.maxConnections());
        // Accepted on the owner's carrier loop, a connection's bytes, credit and reads pass between the socket and
        // the stream by plain calls instead of tasks and wake-ups on two threads. Not for a link to another node,
        // which carries the connections of all that node's clients: one loop would be all of them.
        return bindPort(spec.remotePort(), holder == null ? owner.channel().eventLoop() : workers,
                port -> new TcpTunnelListener(spec.name(), port, owner, counters, bridge, filter, cap, holder))
                .thenApply(listener -> listener);
    }

    /** The counters of one tunnel, for a public side that is not a listener of its own (a group member). */
    public TunnelCounters counters(String name, Principal principal) {
        return new TunnelCounters(metrics.traffic(name, principal.user()), history, principal,
                accounts.account(principal));
    }

    /** Carries accepted connections to streams, for acceptors bound through {@link #bindPort}. */
    public StreamBridge bridge() {
        return bridge;
    }

    /**
     * Reserves and binds {@code requestedPort}, or a free allowed port when it is 0, with the acceptor
     * {@code newAcceptor} makes for the port. Fails with {@link TunnelRefusedException}; on success the port stays
     * reserved until the acceptor closes its {@link PublicPort}.
     */
    public <A extends PortAcceptor> CompletionStage<A> bindPort(int requestedPort,
                                                                Function<PublicPort, A> newAcceptor) {
        return bindPort(requestedPort, workers, newAcceptor);
    }

    /** As {@link #bindPort(int, Function)}, with accepted connections registered on {@code connectionLoops}. */
    private <A extends PortAcceptor> CompletionStage<A> bindPort(int requestedPort, EventLoopGroup connectionLoops,
                                                                 Function<PublicPort, A> newAcceptor) {
        return PortBinding.open(ports, requestedPort, port -> bind(port, connectionLoops, newAcceptor));
    }

    private <A extends PortAcceptor> CompletionStage<A> bind(int port, EventLoopGroup connectionLoops,
                                                             Function<PublicPort, A> newAcceptor) {
        A acceptor = newAcceptor.apply(new PublicPort(port, ports));
        return PortBinding.whenBound(template.clone().group(acceptors, connectionLoops).childHandler(acceptor)
                .bind(bindHost, port), acceptor::bound, acceptor);
    }
}
