package dev.portway.storage.backup;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the configuration of a Portway database as one {@link BackupDocument}. All tables are read in one
 * REPEATABLE READ, read-only transaction, so the document is one consistent snapshot while servers keep writing
 * (a token issued halfway is either in it with its user, or not at all), and the backup takes no lock a server waits
 * for. Rows stream from the database to {@code out}; nothing holds a whole table.
 */
public final class BackupWriter {
    private static final JsonFactory JSON = new JsonFactory();

    private BackupWriter() {
    }

    /** Runs its own transaction on {@code connection} and leaves it in auto-commit mode. */
    public static BackupSummary write(Connection connection, OutputStream out, Instant createdAt)
            throws SQLException, IOException {
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setReadOnly(true);
        try {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL TIME ZONE 'UTC'");
            }
            BackupTables.checkComplete(connection);
            int schemaVersion = SchemaVersion.read(connection);
            Map<String, Integer> rows = new LinkedHashMap<>();
            try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                // Each row on a line of its own: a backup reads well, and two backups compare well with diff.
                DefaultPrettyPrinter printer = new DefaultPrettyPrinter();
                printer.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
                json.setPrettyPrinter(printer);
                json.writeStartObject();
                json.writeStringField(BackupDocument.FORMAT_FIELD, BackupDocument.FORMAT);
                json.writeNumberField(BackupDocument.VERSION_FIELD, BackupDocument.VERSION);
                json.writeNumberField(BackupDocument.SCHEMA_VERSION_FIELD, schemaVersion);
                json.writeStringField(BackupDocument.CREATED_AT_FIELD, createdAt.toString());
                json.writeObjectFieldStart(BackupDocument.TABLES_FIELD);
                for (BackupTables.Table table : BackupTables.INCLUDED) {
                    json.writeArrayFieldStart(table.name());
                    rows.put(table.name(), writeRows(connection, table, json));
                    json.writeEndArray();
                }
                json.writeEndObject();
                json.writeEndObject();
                json.writeRaw('\n');
            }
            connection.commit();
            return new BackupSummary(schemaVersion, rows);
        } catch (SQLException | IOException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setReadOnly(false);
            connection.setAutoCommit(true);
        }
    }

    private static int writeRows(Connection connection, BackupTables.Table table, JsonGenerator json)
            throws SQLException, IOException {
        // Table names come from BackupTables, never from input.
        String sql = "SELECT row_to_json(t)::text FROM " + table.name() + " t ORDER BY " + table.orderBy();
        int count = 0;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setFetchSize(500); // a cursor, since auto-commit is off: rows stream instead of piling up
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    json.writeRawValue(rows.getString(1));
                    count++;
                }
            }
        }
        return count;
    }
}
