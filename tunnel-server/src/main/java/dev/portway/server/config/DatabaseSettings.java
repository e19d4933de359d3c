package dev.portway.server.config;

import dev.portway.storage.db.DatabaseConfig;

import java.util.Objects;

/**
 * The {@code database} section of server.yaml. Enabled by default, and without a URL that means the embedded
 * PostgreSQL under {@code dataDir}, so a first start needs no installation. Disabled, the server authenticates with
 * {@code auth.tokens} alone and serves no REST admin API.
 *
 * @param enabled    false: no database, no admin API, static tokens only
 * @param connection where the database lives; its {@code toString} hides the password
 */
public record DatabaseSettings(boolean enabled, DatabaseConfig connection) {

    public static final DatabaseSettings EMBEDDED = new DatabaseSettings(true, DatabaseConfig.embedded());
    public static final DatabaseSettings DISABLED = new DatabaseSettings(false, DatabaseConfig.embedded());

    public DatabaseSettings {
        Objects.requireNonNull(connection, "connection");
    }
}
