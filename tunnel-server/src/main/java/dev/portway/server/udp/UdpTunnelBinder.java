package dev.portway.server.udp;

import dev.portway.monitor.TunnelMetrics;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.transport.Transport;
import dev.portway.server.access.PeerFilter;
import dev.portway.server.access.PeerFilters;
import dev.portway.server.auth.Principal;
import dev.portway.server.config.UdpConfig;
import dev.portway.server.limits.UserCeiling;
import dev.portway.server.plans.UserAccounts;
import dev.portway.server.tcp.PortAllocator;
import dev.portway.server.tcp.TunnelCounters;
import dev.portway.server.tunnel.PortBinding;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.server.tunnel.TunnelBinder;
import dev.portway.server.tunnel.TunnelRefusedException;
import dev.portway.storage.traffic.TrafficCounter;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;

import java.util.concurrent.CompletionStage;

/**
 * Opens public UDP ports for udp tunnels. UDP ports are a namespace of their own: this binder has its own
 * {@link PortAllocator} over the same {@code allowPorts}, so a udp tunnel may hold the number a tcp tunnel holds.
 */
public final class UdpTunnelBinder implements TunnelBinder {
    private final Bootstrap template;
    private final String bindHost;
    private final PortAllocator ports;
    private final UdpConfig config;
    private final TunnelMetrics metrics;
    private final TrafficCounter history;
    private final PeerFilters filters;
    private final UserCeiling flows;
    private final UserAccounts accounts;

    /**
     * @param history storage's traffic counter, null without a database
     * @param flows   {@code limits.udpFlowsPerUser}
     * @param accounts the users' plans
     */
    public UdpTunnelBinder(Transport transport, String bindHost, PortAllocator ports, UdpConfig config,
                           TunnelMetrics metrics, TrafficCounter history, UserCeiling flows, PeerFilters filters,
                           UserAccounts accounts) {
        this.accounts = accounts;
        this.filters = filters;
        this.template = config.socketBuffers().applyTo(new Bootstrap()
                .channel(transport.datagramChannel())
                // One byte above the limit, so that a larger datagram arrives truncated and is recognised.
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(config.maxDatagram() + 1)));
        this.bindHost = bindHost;
        this.ports = ports;
        this.config = config;
        this.metrics = metrics;
        this.history = history;
        this.flows = flows;
    }

    /** Binds the spec's {@code remotePort}, or a free allowed port when it is 0; fails with {@link TunnelRefusedException}. */
    @Override
    public CompletionStage<PublicTunnel> open(TunnelSpec spec, TunnelSession owner, Principal principal) {
        TunnelCounters counters = new TunnelCounters(metrics.traffic(spec.name(), principal.user()), history,
                principal, accounts.account(principal));
        PeerFilter filter = filters.forTunnel(spec.ipRulesOrNone());
        return PortBinding.open(ports, spec.remotePort(), port -> bind(spec.name(), port, owner, counters, filter));
    }

    private CompletionStage<PublicTunnel> bind(String name, int port, TunnelSession owner, TunnelCounters counters,
                                               PeerFilter filter) {
        UdpTunnel tunnel = new UdpTunnel(name, port, ports, owner, config, metrics, counters, flows, filter);
        // On the owner's carrier loop, where the flows live: datagrams pass between socket and session by plain calls.
        return PortBinding.whenBound(template.clone().group(owner.channel().eventLoop()).handler(tunnel)
                .bind(bindHost, port), tunnel::bound, tunnel);
    }
}
