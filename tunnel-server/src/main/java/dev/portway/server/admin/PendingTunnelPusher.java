package dev.portway.server.admin;

import dev.portway.admin.PushResult;
import dev.portway.admin.TunnelPusher;
import dev.portway.storage.tunnels.Tunnel;

import java.util.concurrent.CompletableFuture;

/**
 * Tunnels created through the API are stored but not yet sent to clients: TUNNEL_PUSH and the client's check of the
 * target against its own allowed targets are still to be built. The API reports every new tunnel as pending, with the
 * way to serve it meanwhile.
 */
public final class PendingTunnelPusher implements TunnelPusher {
    static final String REASON =
            "pushing tunnels to clients is not implemented yet; the client must list the tunnel in client.yaml";

    @Override
    public CompletableFuture<PushResult> push(long userId, Tunnel tunnel) {
        return CompletableFuture.completedFuture(PushResult.pending(REASON));
    }
}
