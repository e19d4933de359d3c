package dev.portway.server.tcp;

import dev.portway.monitor.TunnelMetrics;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.auth.Principal;
import dev.portway.server.proxyprotocol.ProxyProtocolInbound;
import dev.portway.server.tunnel.PortBinding;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.server.tunnel.TunnelBinder;
import dev.portway.server.tunnel.TunnelRefusedException;
import dev.portway.storage.traffic.TrafficCounter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Opens public TCP ports for tunnels: reserves the port, binds it without blocking the caller's event loop, and
 * when the server picks the port, moves on to another one if the operating system already has it in use.
 */
public final class TcpTunnelBinder implements TunnelBinder {
    private final ServerBootstrap template;
    private final String bindHost;
    private final PortAllocator ports;
    private final TunnelMetrics metrics;
    private final TrafficCounter history;
    private final ProxyProtocolInbound proxyProtocol;

    /**
     * @param template a bootstrap with groups, channel type and child options set; it is cloned per port
     * @param history  storage's traffic counter for stored tunnels; null without a database
     * @param proxyProtocol whom to believe about a public connection's real peer
     */
    public TcpTunnelBinder(ServerBootstrap template, String bindHost, PortAllocator ports, TunnelMetrics metrics,
                           TrafficCounter history, ProxyProtocolInbound proxyProtocol) {
        this.template = template;
        this.bindHost = bindHost;
        this.ports = ports;
        this.metrics = metrics;
        this.history = history;
        this.proxyProtocol = proxyProtocol;
    }

    /**
     * Binds the spec's {@code remotePort}, or a free allowed port when it is 0. Fails with
     * {@link TunnelRefusedException}.
     */
    @Override
    public CompletionStage<PublicTunnel> open(TunnelSpec spec, TunnelSession owner, Principal principal) {
        return open(spec.name(), spec.remotePort(), owner, principal.user(), principal.userId())
                .thenApply(listener -> listener);
    }

    /**
     * Binds {@code requestedPort}, or a free allowed port when it is 0. Fails with {@link TunnelRefusedException}.
     *
     * @param userId the owner's id in storage, for the traffic history of stored tunnels
     */
    public CompletionStage<TcpTunnelListener> open(String name, int requestedPort, TunnelSession owner, String user,
                                                   long userId) {
        TcpTunnelListener.Meters meters = new TcpTunnelListener.Meters(metrics, metrics.traffic(name, user), history,
                userId);
        return PortBinding.open(ports, requestedPort, port -> bind(name, port, owner, meters));
    }

    private CompletionStage<TcpTunnelListener> bind(String name, int port, TunnelSession owner,
                                                    TcpTunnelListener.Meters meters) {
        CompletableFuture<TcpTunnelListener> result = new CompletableFuture<>();
        TcpTunnelListener listener = new TcpTunnelListener(name, port, ports, owner, meters, proxyProtocol);
        ChannelFuture bound = template.clone().childHandler(listener).bind(bindHost, port);
        bound.addListener(f -> {
            if (f.isSuccess()) {
                listener.bound(bound.channel());
                result.complete(listener);
            } else {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }
}
