package dev.portway.server.testkit;

import dev.portway.protocol.config.HostPort;
import dev.portway.server.config.ClusterConfig;
import dev.portway.server.config.DatabaseSettings;
import dev.portway.server.config.ServerConfig;
import dev.portway.storage.db.DatabaseConfig;
import dev.portway.storage.db.EmbeddedPostgresServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The external PostgreSQL of a test's cluster: the embedded server, started by the test, with a database that none of
 * the nodes runs, and the cluster section that makes a server one of its nodes.
 */
public final class ClusterDatabase implements AutoCloseable {
    public static final String SECRET = "a-secret-the-nodes-share";
    private static final String DATABASE = "portway";

    private final EmbeddedPostgresServer postgres;

    private ClusterDatabase(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    public static ClusterDatabase start() throws Exception {
        // A directory of its own: PostgreSQL may run as another user (as root it does), which owns it then.
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(
                Files.createTempDirectory("portway-cluster-postgres"));
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException | RuntimeException e) {
            postgres.close();
            throw e;
        }
        return new ClusterDatabase(postgres);
    }

    public String jdbcUrl() {
        return postgres.jdbcUrl(DATABASE);
    }

    public String user() {
        return postgres.user();
    }

    public String password() {
        return postgres.password();
    }

    /** The database every node shares. */
    public DatabaseSettings settings() {
        return new DatabaseSettings(true, new DatabaseConfig(jdbcUrl(), user(), password(), 4));
    }

    /** {@code base} as node {@code name} of this database's cluster, beating every {@code heartbeat}. */
    public ServerConfig node(ServerConfig base, String name, Duration heartbeat, Duration deadAfter) {
        return node(base, name, SECRET, settings(), heartbeat, deadAfter);
    }

    /**
     * {@code base} as node {@code name} of a cluster with {@code secret} on {@code database}, taking node links on a
     * free port of its own.
     */
    public static ServerConfig node(ServerConfig base, String name, String secret, DatabaseSettings database,
                                    Duration heartbeat, Duration deadAfter) {
        try {
            return base.withDatabase(database).withCluster(new ClusterConfig(name,
                    new HostPort("127.0.0.1", FreePorts.next()), secret, heartbeat, deadAfter));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user(), password());
    }

    public void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The first column of the first row of {@code sql}, a count. */
    public long count(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() {
        postgres.close();
    }
}
