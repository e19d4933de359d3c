package dev.portway.storage.apikeys;

import java.time.Instant;

/** A row of {@code api_keys}, without its hash. */
public record ApiKey(long id, long ownerId, String prefix, ApiKeyRole role, Instant created, Instant revoked) {
}
