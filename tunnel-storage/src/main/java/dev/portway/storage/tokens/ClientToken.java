package dev.portway.storage.tokens;

import java.time.Instant;

/** A row of {@code client_tokens}, without its hash. {@code prefix} is the first 8 characters, for display. */
public record ClientToken(long id, long userId, String prefix, Instant created, Instant lastUsed, Instant revoked) {
    public boolean isRevoked() {
        return revoked != null;
    }
}
