package dev.portway.storage.db;

import java.time.Duration;

/**
 * Where the database lives. A {@code null} {@code url} means "start the embedded PostgreSQL under the data
 * directory"; otherwise {@code url}, {@code user} and {@code password} name an existing server.
 *
 * @param maxPoolSize       connections in the pool (and the upper bound of storage threads); 0 means the default, 10
 * @param connectionTimeout how long a storage call waits for a connection before failing with
 *                          {@link dev.portway.storage.StorageUnavailableException}; {@code null} means 5 s
 */
public record DatabaseConfig(String url, String user, String password, int maxPoolSize, Duration connectionTimeout) {
    public static final int DEFAULT_MAX_POOL_SIZE = 10;
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    public DatabaseConfig {
        if (maxPoolSize < 0) {
            throw new IllegalArgumentException("maxPoolSize must not be negative: " + maxPoolSize);
        }
        if (maxPoolSize == 0) {
            maxPoolSize = DEFAULT_MAX_POOL_SIZE;
        }
        if (connectionTimeout == null) {
            connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
        }
        if (url != null && url.isBlank()) {
            url = null;
        }
    }

    public DatabaseConfig(String url, String user, String password, int maxPoolSize) {
        this(url, user, password, maxPoolSize, null);
    }

    /** No URL: the embedded PostgreSQL with default pool settings. */
    public static DatabaseConfig embedded() {
        return new DatabaseConfig(null, null, null, 0, null);
    }

    public boolean isEmbedded() {
        return url == null;
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "DatabaseConfig[url=" + (url == null ? "<embedded>" : url) + ", user=" + user
                + ", password=" + (password == null ? "null" : "***") + ", maxPoolSize=" + maxPoolSize
                + ", connectionTimeout=" + connectionTimeout + "]";
    }
}
