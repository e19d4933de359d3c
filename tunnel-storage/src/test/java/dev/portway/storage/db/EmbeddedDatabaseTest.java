package dev.portway.storage.db;

import dev.portway.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The embedded default: first start from nothing, schema migrated, data kept across a restart. */
@Timeout(180)
class EmbeddedDatabaseTest {
    @TempDir
    Path dataDir;

    @Test
    void firstStartMigratesAnEmptyDatabaseAndARestartKeepsTheData() throws Exception {
        try (Database db = Database.start(DatabaseConfig.embedded(), dataDir)) {
            assertThat(appliedMigrations(db)).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
            assertThat(tables(db)).contains("users", "client_tokens", "api_keys", "tunnels", "tunnel_domains",
                    "sessions", "traffic_hourly", "traffic_flushes", "audit_log", "claims", "plans", "quota_notices",
                    "acme_accounts", "certificates", "acme_requests", "nodes", "live_claims");
            execute(db, "INSERT INTO users (name) VALUES ('kept')");
        }
        assertThat(dataDir.resolve("postgres/PG_VERSION")).exists();
        assertThat(Files.getPosixFilePermissions(dataDir.resolve("postgres.password")))
                .extracting(Object::toString).asString().doesNotContain("GROUP", "OTHERS");

        try (Database db = Database.start(DatabaseConfig.embedded(), dataDir)) {
            assertThat(appliedMigrations(db)).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
            assertThat(query(db, "SELECT name FROM users")).containsExactly("kept");
        }
    }

    @Test
    void postgresRunsAsAnUnprivilegedUserWhenTheJvmIsRoot() throws Exception {
        try (Database db = Database.start(DatabaseConfig.embedded(), dataDir)) {
            int owner = (Integer) Files.getAttribute(dataDir.resolve("postgres"), "unix:uid");
            int pid = Integer.parseInt(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).strip());
            int postmasterUid = (Integer) Files.getAttribute(Path.of("/proc/" + pid), "unix:uid");
            assertThat(postmasterUid).isEqualTo(owner);
            if (PostgresAccount.runningAsRoot()) {
                assertThat(postmasterUid).isNotZero();
            }
            assertThat(query(db, "SELECT 1")).containsExactly("1");
            assertThatThrownBy(() -> Database.start(DatabaseConfig.embedded(), dataDir))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("Another process uses the embedded PostgreSQL");
        }
    }

    @Test
    void asRootADirectoryAboveTheDataDirectoryThatPostgresCannotEnterIsReportedNotChanged() throws Exception {
        assumeTrue(PostgresAccount.runningAsRoot(), "only root switches users");
        Path closed = Files.createDirectory(dataDir.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));

        assertThatThrownBy(() -> Database.start(DatabaseConfig.embedded(), closed.resolve("data")))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("cannot enter " + closed)
                .hasMessageContaining("chmod o+x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(closed))).isEqualTo("rwx------");
    }

    private static List<String> appliedMigrations(Database db) throws SQLException {
        return query(db, "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank");
    }

    private static List<String> tables(Database db) throws SQLException {
        return query(db, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
    }

    static List<String> query(Database db, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    static void execute(Database db, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
