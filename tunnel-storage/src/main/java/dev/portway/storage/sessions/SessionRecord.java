package dev.portway.storage.sessions;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A row of {@code sessions}: which node holds which client connection, with the tunnels it holds live claims for.
 *
 * @param userId  the user's id; 0 for a static token's user, which has no row
 * @param tokenId the client token's id; 0 for a static token
 */
public record SessionRecord(UUID id, String clientId, long userId, String userName, long tokenId, String node,
                            String remoteAddr, Instant connectedAt, List<String> tunnels) {
    public SessionRecord {
        tunnels = tunnels == null ? List.of() : List.copyOf(tunnels);
    }
}
