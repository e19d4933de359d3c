package dev.portway.storage.audit;

import dev.portway.storage.db.Jdbc;
import dev.portway.storage.db.Rows;
import dev.portway.storage.paging.ListQuery;
import dev.portway.storage.paging.Page;
import dev.portway.storage.paging.PagedSelect;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Append-only record of who changed what. */
public final class AuditLog {
    private static final PagedSelect<AuditEntry> PAGED = new PagedSelect<>(
            "SELECT id, actor, action, target, detail::text AS detail, remote_addr, at", "FROM audit_log", null,
            List.of("actor", "action", "target"),
            Map.of("id", "id", "at", "at", "actor", "actor", "action", "action", "target", "target"), "id",
            AuditLog::read);
    /** The fields {@link #page} sorts by. */
    public static final Set<String> SORTS = PAGED.columns().keySet();
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

    /** One page of entries; {@link ListQuery#contains} looks in the actor, the action and the target. */
    public CompletableFuture<Page<AuditEntry>> page(ListQuery query) {
        return jdbc.query(PAGED.page(query, null));
    }

    private static AuditEntry read(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getLong("id"), rs.getString("actor"), rs.getString("action"),
                rs.getString("target"), rs.getString("detail"), rs.getString("remote_addr"), Rows.instant(rs, "at"));
    }
}
