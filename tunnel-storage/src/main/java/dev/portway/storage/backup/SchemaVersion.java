package dev.portway.storage.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The highest migration Flyway applied to a database: what the rows of a backup are shaped by. */
final class SchemaVersion {
    private SchemaVersion() {
    }

    static int read(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL"
                        + " ORDER BY installed_rank DESC LIMIT 1");
             ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                throw new BackupException("The database has no Portway schema yet");
            }
            return Integer.parseInt(rows.getString(1));
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // undefined_table: never migrated
                throw new BackupException("The database has no Portway schema (no flyway_schema_history table)");
            }
            throw e;
        }
    }
}
