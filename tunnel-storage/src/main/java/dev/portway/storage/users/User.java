package dev.portway.storage.users;

import java.time.Instant;

/** A row of {@code users}. */
public record User(long id, String name, UserStatus status, Instant created) {
}
