package dev.portway.storage.audit;

import dev.portway.storage.db.Jdbc;
import dev.portway.storage.db.Rows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Append-only record of who changed what. */
public final class AuditLog {
    private final Jdbc jdbc;

    public AuditLog(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public CompletableFuture<Long> record(String actor, String action, String target, String detailJson,
                                          String remoteAddr) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO audit_log (actor, action, target, detail,"
                    + " remote_addr) VALUES (?, ?, ?, ?::jsonb, ?) RETURNING id")) {
                s.setString(1, actor);
                s.setString(2, action);
                s.setString(3, target);
                s.setString(4, detailJson == null ? "{}" : detailJson);
                s.setString(5, remoteAddr);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Newest first. */
    public CompletableFuture<List<AuditEntry>> recent(int limit) {
        return jdbc.query(c -> {
            List<AuditEntry> entries = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, actor, action, target, detail::text AS detail,"
                    + " remote_addr, at FROM audit_log ORDER BY id DESC LIMIT ?")) {
                s.setInt(1, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new AuditEntry(rs.getLong("id"), rs.getString("actor"), rs.getString("action"),
                                rs.getString("target"), rs.getString("detail"), rs.getString("remote_addr"),
                                Rows.instant(rs, "at")));
                    }
                }
            }
            return entries;
        });
    }
}
