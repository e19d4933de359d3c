package dev.portway.storage.users;

import java.time.Instant;

/**
 * A row of {@code users}.
 *
 * @param planId    the user's own plan; null: the default plan applies
 * @param planSince when the user got its plan (the subscription day of a usage period)
 * @param expiresAt when the user's access ends; null: never
 */
public record User(long id, String name, UserStatus status, Instant created, Long planId, Instant planSince,
                   Instant expiresAt) {
}
