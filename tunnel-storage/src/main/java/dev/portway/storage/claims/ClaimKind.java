package dev.portway.storage.claims;

import java.util.Optional;

/** What a claim holds: a public host name (exact or wildcard), or a public port. */
public enum ClaimKind {
    HOST("host"),
    PORT("port");

    private final String dbName;

    ClaimKind(String dbName) {
        this.dbName = dbName;
    }

    public String dbName() {
        return dbName;
    }

    /** The kind named {@code name} ({@code host} or {@code port}); empty for anything else. */
    public static Optional<ClaimKind> parse(String name) {
        for (ClaimKind kind : values()) {
            if (kind.dbName.equals(name)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
