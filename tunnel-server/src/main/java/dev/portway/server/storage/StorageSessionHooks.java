package dev.portway.server.storage;

import dev.portway.server.admin.SessionTunnelPusher;
import dev.portway.server.auth.Principal;
import dev.portway.server.control.ClientSession;
import dev.portway.server.control.SessionHooks;
import dev.portway.storage.Storage;
import dev.portway.storage.tunnels.Tunnel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client sessions meet storage here: a login with a database token is recorded on the token ({@code last_used}), and
 * once a client of a stored user has registered its client.yaml tunnels, the user's enabled stored tunnels are pushed
 * to it, so a tunnel created while no client was connected still opens. The client takes each only when its target
 * is in {@code allowTargets}, as for any push.
 *
 * <p>Threading: never blocks; storage answers on its executor and the pushes hop to the session's event loop.
 */
public final class StorageSessionHooks implements SessionHooks {
    private static final Logger log = LoggerFactory.getLogger(StorageSessionHooks.class);

    private final Storage storage;
    private final SessionTunnelPusher pusher;

    public StorageSessionHooks(Storage storage, SessionTunnelPusher pusher) {
        this.storage = storage;
        this.pusher = pusher;
    }

    /** Best effort and not awaited: a login must not wait for, or fail with, this bookkeeping write. */
    @Override
    public void authenticated(ClientSession session) {
        long tokenId = session.principal().tokenId();
        if (tokenId == Principal.NOT_STORED) {
            return;
        }
        storage.clientTokens().markUsed(tokenId).whenComplete((ignored, error) -> {
            if (error != null) {
                log.debug("[client={}] cannot record the use of token {}: {}", session.clientId(), tokenId,
                        error.toString());
            }
        });
    }

    @Override
    public void registered(ClientSession session) {
        long userId = session.principal().userId();
        if (userId == Principal.NOT_STORED) {
            return;
        }
        storage.tunnels().listByOwner(userId).whenComplete((tunnels, error) -> {
            if (error != null) {
                log.warn("[client={}] cannot load the stored tunnels of user {}: {}", session.clientId(),
                        session.principal().user(), error.toString());
                return;
            }
            tunnels.stream()
                    .filter(Tunnel::enabled)
                    // A client that took over its previous connection holds them already.
                    .filter(tunnel -> !session.holdsPushed(tunnel.id()))
                    .forEach(tunnel -> push(session, tunnel));
        });
    }

    private void push(ClientSession session, Tunnel tunnel) {
        pusher.pushTo(session, tunnel).thenAccept(result -> {
            if (!result.isPushed()) {
                log.info("[client={} tunnel={}] stored tunnel not opened: {}", session.clientId(), tunnel.name(),
                        result.reason());
            }
        });
    }
}
