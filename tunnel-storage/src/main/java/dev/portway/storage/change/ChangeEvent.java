package dev.portway.storage.change;

import java.util.Optional;

/** One invalidation, carried locally and as a PostgreSQL NOTIFY payload {@code <kind>:<key>}. */
public record ChangeEvent(ChangeKind kind, String key) {
    public static final ChangeEvent EVERYTHING = new ChangeEvent(ChangeKind.ALL, "*");

    public ChangeEvent {
        if (kind == null || key == null || key.isEmpty()) {
            throw new IllegalArgumentException("kind and key are required");
        }
    }

    public static ChangeEvent token(String hashHex) {
        return new ChangeEvent(ChangeKind.TOKEN, hashHex);
    }

    public static ChangeEvent user(long userId) {
        return new ChangeEvent(ChangeKind.USER, Long.toString(userId));
    }

    public static ChangeEvent tunnel(long tunnelId) {
        return new ChangeEvent(ChangeKind.TUNNEL, Long.toString(tunnelId));
    }

    public static ChangeEvent plan(long planId) {
        return new ChangeEvent(ChangeKind.PLAN, Long.toString(planId));
    }

    public static ChangeEvent claim(String kind) {
        return new ChangeEvent(ChangeKind.CLAIM, kind);
    }

    public String payload() {
        return kind.wireName() + ":" + key;
    }

    /** Empty for a payload this version does not understand (sent by a newer node): ignoring it is safe. */
    public static Optional<ChangeEvent> parse(String payload) {
        int colon = payload == null ? -1 : payload.indexOf(':');
        if (colon <= 0 || colon == payload.length() - 1) {
            return Optional.empty();
        }
        ChangeKind kind = ChangeKind.fromWireName(payload.substring(0, colon));
        return kind == null ? Optional.empty() : Optional.of(new ChangeEvent(kind, payload.substring(colon + 1)));
    }
}
