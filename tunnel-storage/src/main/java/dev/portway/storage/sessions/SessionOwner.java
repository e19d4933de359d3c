package dev.portway.storage.sessions;

import dev.portway.storage.change.ChangeEvent;
import dev.portway.storage.change.ChangeKind;

import java.util.Optional;

/**
 * Sessions that end together when their credentials stop being valid: those that logged in with one client token
 * (it was revoked), or all of one stored user's (suspended or deleted). Static tokens have no id and are not meant.
 *
 * @param id the token's or the user's id, positive
 */
public record SessionOwner(Kind kind, long id) {
    public enum Kind {
        TOKEN("token_id", ChangeKind.SESSIONS_OF_TOKEN),
        USER("user_id", ChangeKind.SESSIONS_OF_USER);

        private final String column;
        private final ChangeKind change;

        Kind(String column, ChangeKind change) {
            this.column = column;
            this.change = change;
        }

        /** The column of {@code sessions} that names it. */
        String column() {
            return column;
        }
    }

    public SessionOwner {
        if (kind == null || id <= 0) {
            throw new IllegalArgumentException("a stored token or user is required, not " + kind + " " + id);
        }
    }

    public static SessionOwner token(long tokenId) {
        return new SessionOwner(Kind.TOKEN, tokenId);
    }

    public static SessionOwner user(long userId) {
        return new SessionOwner(Kind.USER, userId);
    }

    /** Whether a session of user {@code userId} that logged in with token {@code tokenId} is one of these. */
    public boolean owns(long userId, long tokenId) {
        return id == (kind == Kind.TOKEN ? tokenId : userId);
    }

    /** What asks every node to end these sessions. */
    public ChangeEvent event() {
        return new ChangeEvent(kind.change, Long.toString(id));
    }

    /** The owner an event of {@link #event()} names; empty for any other event, or a key that is not an id. */
    public static Optional<SessionOwner> of(ChangeEvent event) {
        for (Kind kind : Kind.values()) {
            if (kind.change == event.kind()) {
                try {
                    return Optional.of(new SessionOwner(kind, Long.parseLong(event.key())));
                } catch (IllegalArgumentException notAnId) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
