package dev.portway.admin.tunnels;

import dev.portway.admin.auth.Operator;
import dev.portway.admin.problem.ApiException;
import dev.portway.storage.tunnels.Tunnel;
import dev.portway.storage.tunnels.TunnelRepository;

import java.util.concurrent.CompletableFuture;

/** Loads a tunnel for an operator: 404 when it does not exist, 403 when it belongs to another user. */
public final class OwnedTunnels {
    private final TunnelRepository tunnels;

    public OwnedTunnels(TunnelRepository tunnels) {
        this.tunnels = tunnels;
    }

    public CompletableFuture<Tunnel> load(Operator operator, long id) {
        return tunnels.findById(id).thenApply(found -> {
            Tunnel tunnel = found.orElseThrow(() -> ApiException.notFound("No tunnel " + id));
            operator.requireOwnerOrAdmin(tunnel.ownerId(), "Tunnel " + id);
            return tunnel;
        });
    }
}
