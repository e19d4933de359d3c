package dev.portway.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A client connected to this server node, or to another node of its cluster, as the live server reports it.
 *
 * @param id      the server's id for the connection (what {@link LiveServerView#disconnect} takes)
 * @param tokenId the client token it logged in with, so that revoking that token can end the session
 * @param tunnels names of the tunnels it has registered (on another node of a cluster: those holding ports or hosts)
 * @param rtt     the control connection's last measured round trip (PING to PONG); null before the first PONG, and
 *                for a session of another node
 * @param node    the cluster node holding it; null on a server that is not part of a cluster
 */
public record LiveSession(String id, String clientId, long userId, long tokenId, String remoteAddress,
                          Instant connectedAt, List<String> tunnels, Duration rtt, String node) {
    public LiveSession {
        tunnels = tunnels == null ? List.of() : List.copyOf(tunnels);
    }
}
