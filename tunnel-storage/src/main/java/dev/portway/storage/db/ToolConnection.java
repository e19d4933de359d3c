package dev.portway.storage.db;

import dev.portway.storage.StorageException;
import dev.portway.storage.StorageUnavailableException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * One JDBC connection for a command-line tool (backup, restore) that runs beside a server or while it is stopped.
 * With a {@code database.url} it connects there; with the embedded PostgreSQL it starts that server itself when no
 * other process holds the data directory, and stops it again on {@link #close}.
 *
 * <p><b>Threading:</b> opening and closing block (seconds, when the embedded server starts); a tool's main thread only.
 */
public final class ToolConnection implements AutoCloseable {
    private final Connection connection;
    private final Runnable stop;

    private ToolConnection(Connection connection, Runnable stop) {
        this.connection = connection;
        this.stop = stop;
    }

    /**
     * For reading, and never migrating: a newer tool must not upgrade the schema under an older server. When a running
     * server holds the embedded PostgreSQL, connects to it with the port and password that server left in
     * {@code dataDir} ({@link RunningEmbeddedPostgres}).
     */
    public static ToolConnection forReading(DatabaseConfig config, Path dataDir) {
        if (!config.isEmbedded()) {
            return new ToolConnection(connect(config.url(), config.user(), config.password()), null);
        }
        // Starting the embedded server on a directory without one would create a new, empty database there: a
        // mistyped dataDir must be an error, not a new installation.
        Path pgVersion = dataDir.resolve("postgres").resolve("PG_VERSION");
        if (!Files.exists(pgVersion)) {
            throw new StorageException("There is no embedded PostgreSQL in " + dataDir.toAbsolutePath().normalize()
                    + " (no " + pgVersion.getFileName() + "): is dataDir the server's?");
        }
        EmbeddedPostgresServer server;
        try {
            server = EmbeddedPostgresServer.start(dataDir);
        } catch (DataDirectoryInUseException inUse) {
            RunningEmbeddedPostgres running = RunningEmbeddedPostgres.find(dataDir);
            return new ToolConnection(connect(running.jdbcUrl(), running.user(), running.password()), null);
        }
        try {
            return new ToolConnection(connect(server.jdbcUrl(), server.user(), server.password()), server::close);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * For writing: the schema migrated to this version first, as a server's start would. Throws
     * {@link DataDirectoryInUseException} when a running server holds the embedded PostgreSQL, since what is written
     * would not reach that server's caches.
     */
    public static ToolConnection forWriting(DatabaseConfig config, Path dataDir) {
        // Two connections: Flyway holds one for its lock while it migrates through another.
        Database database = Database.start(new DatabaseConfig(config.url(), config.user(), config.password(), 2,
                config.connectionTimeout()), dataDir);
        try {
            return new ToolConnection(database.dataSource().getConnection(), database::close);
        } catch (SQLException e) {
            database.close();
            throw new StorageUnavailableException("Cannot connect to the database: " + e.getMessage(), e);
        }
    }

    public Connection connection() {
        return connection;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // Nothing was left to commit: the tool's work committed or rolled back before this.
        } finally {
            if (stop != null) {
                stop.run();
            }
        }
    }

    private static Connection connect(String url, String user, String password) {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", "portway-tool");
        properties.setProperty("connectTimeout", "5");
        try {
            return DriverManager.getConnection(url, properties);
        } catch (SQLException e) {
            throw new StorageUnavailableException("Cannot connect to the database at " + Database.withoutQuery(url)
                    + ": " + e.getMessage(), e);
        }
    }
}
