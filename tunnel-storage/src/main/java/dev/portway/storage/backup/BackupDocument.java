package dev.portway.storage.backup;

/**
 * The names of a backup document's envelope:
 * {@code {"format": "portway-backup", "version": 1, "schemaVersion": N, "createdAt": ..., "tables": {name: [row...]}}}.
 * A row is the table's row as PostgreSQL's {@code row_to_json} writes it (bytea as {@code "\\x..."} hex, timestamps
 * in UTC), which {@code json_populate_recordset} reads back into the same types. {@code version} changes only when
 * the envelope does; the shape of the rows follows {@code schemaVersion}, the database migration they came from.
 */
final class BackupDocument {
    static final String FORMAT = "portway-backup";
    static final int VERSION = 1;

    static final String FORMAT_FIELD = "format";
    static final String VERSION_FIELD = "version";
    static final String SCHEMA_VERSION_FIELD = "schemaVersion";
    static final String CREATED_AT_FIELD = "createdAt";
    static final String TABLES_FIELD = "tables";

    private BackupDocument() {
    }
}
