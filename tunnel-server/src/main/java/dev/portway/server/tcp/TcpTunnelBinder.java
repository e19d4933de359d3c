package dev.portway.server.tcp;

import dev.portway.monitor.TunnelMetrics;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.auth.Principal;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.server.tunnel.TunnelBinder;
import dev.portway.server.tunnel.TunnelConnections;
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
    private static final int PICK_ATTEMPTS = 16;

    private final ServerBootstrap template;
    private final String bindHost;
    private final PortAllocator ports;
    private final TunnelMetrics metrics;
    private final TrafficCounter history;

    /**
     * @param template a bootstrap with groups, channel type and child options set; it is cloned per port
     * @param history  storage's traffic counter for stored tunnels; null without a database
     */
    public TcpTunnelBinder(ServerBootstrap template, String bindHost, PortAllocator ports, TunnelMetrics metrics,
                           TrafficCounter history) {
        this.template = template;
        this.bindHost = bindHost;
        this.ports = ports;
        this.metrics = metrics;
        this.history = history;
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
        CompletableFuture<TcpTunnelListener> result = new CompletableFuture<>();
        TunnelConnections.Meters meters = new TunnelConnections.Meters(metrics, metrics.traffic(name, user), history,
                userId);
        if (requestedPort == 0) {
            tryPick(name, owner, meters, result, PICK_ATTEMPTS);
        } else {
            String refusal = ports.reserve(requestedPort);
            if (refusal != null) {
                result.completeExceptionally(new TunnelRefusedException(refusal));
            } else {
                bind(name, requestedPort, owner, meters, result, () -> result.completeExceptionally(
                        new TunnelRefusedException("port " + requestedPort + " is in use on the server")));
            }
        }
        return result;
    }

    private void tryPick(String name, TunnelSession owner, TunnelConnections.Meters meters,
                         CompletableFuture<TcpTunnelListener> result, int attemptsLeft) {
        int port = ports.reserveAny();
        if (port < 0 || attemptsLeft == 0) {
            if (port >= 0) {
                ports.release(port);
            }
            result.completeExceptionally(new TunnelRefusedException("no free port left in allowPorts"));
            return;
        }
        bind(name, port, owner, meters, result, () -> tryPick(name, owner, meters, result, attemptsLeft - 1));
    }

    private void bind(String name, int port, TunnelSession owner, TunnelConnections.Meters meters,
                      CompletableFuture<TcpTunnelListener> result, Runnable onBindFailure) {
        TcpTunnelListener listener = new TcpTunnelListener(name, port, ports, owner, meters);
        ChannelFuture bound = template.clone().childHandler(listener).bind(bindHost, port);
        bound.addListener(f -> {
            if (f.isSuccess()) {
                listener.bound(bound.channel());
                result.complete(listener);
            } else {
                ports.release(port);
                onBindFailure.run();
            }
        });
    }
}
