package dev.portway.storage.sessions;

import java.time.Instant;
import java.util.UUID;

/** A row of {@code sessions}: which node holds which client connection. */
public record SessionRecord(UUID id, String clientId, long userId, String node, String remoteAddr,
                            Instant connectedAt, Instant lastSeen) {
}
