package dev.portway.server.cluster;

import dev.portway.server.auth.Principal;
import dev.portway.server.control.OtherNodes;
import dev.portway.storage.sessions.Holdings;
import dev.portway.storage.sessions.SessionRepository;

import java.util.concurrent.CompletionStage;

/**
 * The other nodes as the cluster's shared tables record them: their sessions of the user ({@code sessions}) and the
 * tunnels of those sessions that hold a port or host ({@code live_claims}).
 *
 * <p>Threading: any thread; completes on storage threads.
 */
public final class RegistryOfOtherNodes implements OtherNodes {
    private final SessionRepository sessions;
    private final String node;

    public RegistryOfOtherNodes(SessionRepository sessions, String node) {
        this.sessions = sessions;
        this.node = node;
    }

    @Override
    public CompletionStage<Holdings> heldBy(Principal user, String clientId) {
        return sessions.heldElsewhere(user.userId(), user.user(), node, clientId);
    }
}
