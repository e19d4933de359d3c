package dev.portway.storage.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which tables a backup holds, in the order a restore inserts them (a table after those its foreign keys point to),
 * and which it leaves out, with the reason. Every table of the schema is in one list or the other: a migration that
 * adds a table makes {@link #checkComplete} fail until someone decides where the table belongs, so a backup never
 * silently misses new configuration.
 */
final class BackupTables {
    /** @param orderBy the primary key, so that two backups of the same data are the same text */
    record Table(String name, String orderBy) {
    }

    static final List<Table> INCLUDED = List.of(
            new Table("plans", "id"),
            new Table("users", "id"),
            new Table("api_keys", "id"),
            new Table("client_tokens", "id"),
            new Table("tunnels", "id"),
            new Table("tunnel_domains", "domain"),
            new Table("claims", "kind, name"),
            new Table("acme_requests", "name"));

    static final Map<String, String> LEFT_OUT = Map.ofEntries(
            Map.entry("sessions", "connections of running nodes, gone once they restart"),
            Map.entry("nodes", "the running server nodes and their heartbeats: each node registers itself when it starts"),
            Map.entry("live_claims", "ports and hosts held by connected clients, taken again when they reconnect"),
            Map.entry("traffic_hourly", "usage history: grows by a row per tunnel and hour"),
            Map.entry("traffic_flushes", "ids that make a node's retried traffic flush count once"),
            Map.entry("quota_notices", "which quota warnings went out this period"),
            Map.entry("audit_log", "history, not configuration"),
            Map.entry("acme_accounts", "made again on the next order; its key is sealed with the storage key, which no backup holds"),
            Map.entry("certificates", "ordered again from the CA after a restore; keys sealed with the storage key, as above"),
            Map.entry("flyway_schema_history", "written by the migrations of the database restored into"));

    private BackupTables() {
    }

    static List<String> names() {
        return INCLUDED.stream().map(Table::name).toList();
    }

    static void checkComplete(Connection connection) throws SQLException {
        List<String> unknown = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT table_name FROM information_schema.tables"
                        + " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name");
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                String table = rows.getString(1);
                if (!names().contains(table) && !LEFT_OUT.containsKey(table)) {
                    unknown.add(table);
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new BackupException("This version of Portway does not know the table(s) " + unknown
                    + " of the database; back it up with a Portway version that matches the server");
        }
    }
}
