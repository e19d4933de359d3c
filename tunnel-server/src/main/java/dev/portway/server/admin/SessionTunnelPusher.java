package dev.portway.server.admin;

import dev.portway.admin.PushResult;
import dev.portway.admin.TunnelPusher;
import dev.portway.admin.tunnels.TunnelOptions;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.control.ClientSession;
import dev.portway.server.control.SessionRegistry;
import dev.portway.storage.tunnels.Tunnel;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends a tunnel created through the API to a connected client of its owner (TUNNEL_PUSH) and reports whether the
 * client registered it; takes it back (TUNNEL_PUSH remove, and the public port closed here) when it is deleted. The client decides whether it may reach the target (its {@code allowTargets}); the server
 * checks the port as for any registration. A client that declines answers at once with its reason; one from before
 * that answer existed stays silent, so the wait is bounded below the admin API's own 5 s limit.
 *
 * <p>Threading: any thread; the sessions hop to their event loops.
 */
public final class SessionTunnelPusher implements TunnelPusher {
    static final Duration WAIT = Duration.ofSeconds(4);

    private final SessionRegistry registry;

    public SessionTunnelPusher(SessionRegistry registry) {
        this.registry = registry;
    }

    @Override
    public CompletableFuture<PushResult> push(long userId, Tunnel tunnel) {
        ClientSession client = registry.all().stream()
                .filter(session -> session.principal().userId() == userId)
                .findFirst().orElse(null);
        if (client == null) {
            return pending("no client of this user is connected; it receives the tunnel when it connects");
        }
        return pushTo(client, tunnel);
    }

    /** Pushes {@code tunnel} to this one client, e.g. one that has just connected. */
    public CompletableFuture<PushResult> pushTo(ClientSession client, Tunnel tunnel) {
        if (tunnel.localTarget() == null) {
            return pending("the tunnel has no localTarget, so no client can serve it");
        }
        TunnelOptions options = TunnelOptions.parse(tunnel.optionsJson());
        TunnelSpec spec;
        if (tunnel.type() == TunnelType.HTTP) {
            spec = new TunnelSpec(tunnel.name(), tunnel.type(), 0, tunnel.localTarget(),
                    new HttpOptions(tunnel.subdomain(), tunnel.customDomains(), tunnel.locations(), null, null, null,
                            null, null, options.parsedRateLimit()), null, options.ipRules(),
                    options.maxConnectionsOrNone(), options.bandwidthBytesPerSecond());
        } else if (tunnel.remotePort() == null) {
            return pending("the tunnel has no remotePort");
        } else {
            spec = new TunnelSpec(tunnel.name(), tunnel.type(), tunnel.remotePort(), tunnel.localTarget(), null, null,
                    options.ipRules(), options.maxConnectionsOrNone(), options.bandwidthBytesPerSecond());
        }
        return client.push(spec, tunnel.id())
                .orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((status, error) -> result(client, status, error));
    }

    /** Every client of the owner is asked: a tunnel may have been pushed to one that reconnected under another id. */
    @Override
    public CompletableFuture<Void> remove(long userId, Tunnel tunnel) {
        registry.all().stream()
                .filter(session -> session.principal().userId() == userId)
                .forEach(session -> session.removePushed(tunnel.id()));
        return CompletableFuture.completedFuture(null);
    }

    private static PushResult result(ClientSession client, TunnelResult.Status status, Throwable error) {
        if (error == null) {
            return status.accepted() ? PushResult.pushed()
                    : PushResult.pending("client " + client.clientId() + " could not register it: " + status.reason());
        }
        if (error instanceof TimeoutException || error.getCause() instanceof TimeoutException) {
            return PushResult.pending("client " + client.clientId() + " did not register it within "
                    + WAIT.toSeconds() + " s; its client.yaml must list the target in allowTargets");
        }
        return PushResult.pending("client " + client.clientId() + " disconnected before registering it");
    }

    private static CompletableFuture<PushResult> pending(String reason) {
        return CompletableFuture.completedFuture(PushResult.pending(reason));
    }
}
