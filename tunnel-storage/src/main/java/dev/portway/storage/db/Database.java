package dev.portway.storage.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.portway.storage.StorageException;
import dev.portway.storage.StorageUnavailableException;
import dev.portway.storage.change.ChangeBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The database of one server node: the embedded PostgreSQL when no URL is configured, a HikariCP pool, the schema
 * migrated to the current version, and the storage executor on which all JDBC runs.
 *
 * <p><b>Threading:</b> {@link #start} and {@link #close} block (seconds, for the embedded server); call them from
 * startup and shutdown code. Everything else is reached through {@link #jdbc()}, whose futures complete on the storage
 * executor.
 *
 * <p><b>Closing:</b> {@link #close} lets queued storage work finish (up to 10 s), then closes the pool, then stops
 * the embedded server. Close caches and traffic flushers that use this database first.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;
    private final ExecutorService executor;
    private final Jdbc jdbc;
    private final ChangeBus changes = new ChangeBus();
    private final EmbeddedPostgresServer embedded;
    private final String url;
    private final String user;
    private final String password;

    private Database(HikariDataSource pool, ExecutorService executor, EmbeddedPostgresServer embedded,
                     String url, String user, String password) {
        this.pool = pool;
        this.executor = executor;
        this.embedded = embedded;
        this.url = url;
        this.user = user;
        this.password = password;
        this.jdbc = new Jdbc(pool, executor, changes);
    }

    /**
     * Starts the database described by {@code config}: the server at its URL, or with no URL the embedded PostgreSQL
     * in {@code <dataDir>/postgres}. Applies pending migrations before returning.
     *
     * @throws StorageUnavailableException when the configured server cannot be reached
     * @throws StorageException            when the embedded server cannot start or a migration fails
     */
    public static Database start(DatabaseConfig config, Path dataDir) {
        EmbeddedPostgresServer embedded = config.isEmbedded() ? EmbeddedPostgresServer.start(dataDir) : null;
        String url = embedded != null ? embedded.jdbcUrl() : config.url();
        String user = embedded != null ? embedded.user() : config.user();
        String password = embedded != null ? embedded.password() : config.password();
        HikariDataSource pool = null;
        try {
            pool = new HikariDataSource(poolConfig(config, url, user, password));
            Migrations.apply(pool);
            ExecutorService executor = StorageExecutor.create(config.maxPoolSize());
            log.info("Database ready: {} (pool of {})", embedded != null ? "embedded PostgreSQL" : withoutQuery(url),
                    config.maxPoolSize());
            return new Database(pool, executor, embedded, url, user, password);
        } catch (HikariPool.PoolInitializationException e) {
            closeAll(pool, embedded);
            throw new StorageUnavailableException("Cannot connect to the database at " + withoutQuery(url) + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        } catch (RuntimeException e) {
            closeAll(pool, embedded);
            if (e instanceof StorageException) {
                throw e;
            }
            throw new StorageException("Cannot prepare the database at " + withoutQuery(url) + ": " + e.getMessage(),
                    e);
        }
    }

    /** A JDBC URL may carry {@code ?password=...}; only the part before the query is ever logged. */
    static String withoutQuery(String url) {
        int query = url == null ? -1 : url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?...";
    }

    private static HikariConfig poolConfig(DatabaseConfig config, String url, String user, String password) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("portway-db");
        hikari.setJdbcUrl(url);
        if (user != null) {
            hikari.setUsername(user);
        }
        if (password != null) {
            hikari.setPassword(password);
        }
        hikari.setMaximumPoolSize(config.maxPoolSize());
        hikari.setMinimumIdle(Math.min(2, config.maxPoolSize()));
        hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
        hikari.setInitializationFailTimeout(config.connectionTimeout().toMillis());
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        hikari.addDataSourceProperty("ApplicationName", "portway");
        return hikari;
    }

    public DataSource dataSource() {
        return pool;
    }

    public Jdbc jdbc() {
        return jdbc;
    }

    /** This node's change bus: caches subscribe to it, repositories publish through {@link Tx#publish}. */
    public ChangeBus changes() {
        return changes;
    }

    /** The embedded server, when this database runs one. */
    public Optional<EmbeddedPostgresServer> embeddedServer() {
        return Optional.ofNullable(embedded);
    }

    /** A connection outside the pool, owned by the caller: for LISTEN, which must outlive pool housekeeping. */
    public Connection openDedicatedConnection() throws SQLException {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "portway-listener");
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(url, properties);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("Storage work still running after 10 s; closing the pool anyway");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        closeAll(pool, embedded);
    }

    private static void closeAll(HikariDataSource pool, EmbeddedPostgresServer embedded) {
        if (pool != null) {
            pool.close();
        }
        if (embedded != null) {
            embedded.close();
        }
    }
}
