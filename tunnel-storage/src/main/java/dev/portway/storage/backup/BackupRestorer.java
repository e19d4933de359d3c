package dev.portway.storage.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a {@link BackupDocument} into a migrated database in one transaction: every row with its id, then each
 * identity sequence set past the highest id, so that the next user or token created gets a fresh id. Refuses a
 * database that already holds configuration, unless told to replace it.
 *
 * <p>The document's {@code schemaVersion} must be the database's: rows are loaded by column name into tables of the
 * same migration. (Restoring into an older schema and migrating after the load is not supported yet.)
 */
public final class BackupRestorer {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private BackupRestorer() {
    }

    public static JsonNode read(InputStream in) throws IOException {
        return JSON.readTree(in);
    }

    /**
     * @param replace delete the configuration the database holds first (every table of the backup, and through
     *                their foreign keys the sessions and quota notices of its users); traffic history and the audit
     *                log stay
     */
    public static BackupSummary restore(Connection connection, JsonNode document, boolean replace)
            throws SQLException {
        int schemaVersion = checkEnvelope(document);
        JsonNode tables = document.get(BackupDocument.TABLES_FIELD);
        connection.setAutoCommit(false);
        try {
            int databaseVersion = SchemaVersion.read(connection);
            if (databaseVersion != schemaVersion) {
                throw new BackupException("The backup has schema version " + schemaVersion + ", the database "
                        + databaseVersion + "; restore it with the Portway version that wrote it");
            }
            List<String> occupied = occupiedTables(connection);
            if (!occupied.isEmpty() && !replace) {
                throw new BackupException("The database is not empty (it has rows in " + String.join(", ", occupied)
                        + "); restore only into a new database, or pass --force to delete its users, plans, keys, "
                        + "tokens, tunnels and claims and replace them with the backup's");
            }
            if (!occupied.isEmpty()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("TRUNCATE " + String.join(", ", BackupTables.names()) + " CASCADE");
                }
            }
            Map<String, Integer> rows = new LinkedHashMap<>();
            for (BackupTables.Table table : BackupTables.INCLUDED) {
                rows.put(table.name(), insert(connection, table.name(), tables.get(table.name())));
                resetIdentities(connection, table.name());
            }
            connection.commit();
            return new BackupSummary(schemaVersion, rows);
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static int checkEnvelope(JsonNode document) {
        if (document == null || !document.isObject()
                || !BackupDocument.FORMAT.equals(document.path(BackupDocument.FORMAT_FIELD).asText())) {
            throw new BackupException("Not a Portway backup (no \"format\": \"" + BackupDocument.FORMAT + "\")");
        }
        JsonNode version = document.path(BackupDocument.VERSION_FIELD);
        if (!version.isInt() || version.intValue() != BackupDocument.VERSION) {
            throw new BackupException("Backup format version " + version + " is not supported (this Portway reads "
                    + BackupDocument.VERSION + ")");
        }
        JsonNode schemaVersion = document.path(BackupDocument.SCHEMA_VERSION_FIELD);
        if (!schemaVersion.isInt()) {
            throw new BackupException("The backup has no schemaVersion");
        }
        JsonNode tables = document.path(BackupDocument.TABLES_FIELD);
        List<String> expected = BackupTables.names();
        for (Iterator<String> names = tables.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!expected.contains(name)) {
                throw new BackupException("The backup has a table this Portway does not know: " + name);
            }
        }
        for (String name : expected) {
            if (!tables.path(name).isArray()) {
                throw new BackupException("The backup has no list of rows for table " + name);
            }
        }
        return schemaVersion.intValue();
    }

    private static List<String> occupiedTables(Connection connection) throws SQLException {
        List<String> occupied = new ArrayList<>();
        for (String table : BackupTables.names()) {
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT EXISTS (SELECT 1 FROM " + table + ")")) {
                rows.next();
                if (rows.getBoolean(1)) {
                    occupied.add(table);
                }
            }
        }
        return occupied;
    }

    /**
     * PostgreSQL turns the JSON rows back into the table's own types, the inverse of the {@code row_to_json} that
     * wrote them; OVERRIDING SYSTEM VALUE keeps the ids of identity columns.
     */
    private static int insert(Connection connection, String table, JsonNode rows) throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        String sql = "INSERT INTO " + table + " OVERRIDING SYSTEM VALUE"
                + " SELECT * FROM json_populate_recordset(NULL::" + table + ", ?::json)";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, rows.toString());
            return statement.executeUpdate();
        }
    }

    private static void resetIdentities(Connection connection, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT column_name FROM information_schema.columns"
                        + " WHERE table_schema = current_schema() AND table_name = ? AND is_identity = 'YES'")) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                }
            }
        }
        for (String column : columns) {
            // An empty table starts at 1 again (is_called false); otherwise the next value follows the highest id.
            try (PreparedStatement statement = connection.prepareStatement("SELECT setval(pg_get_serial_sequence(?, ?),"
                    + " COALESCE(MAX(" + column + "), 1), MAX(" + column + ") IS NOT NULL) FROM " + table)) {
                statement.setString(1, table);
                statement.setString(2, column);
                statement.execute();
            }
        }
    }
}
