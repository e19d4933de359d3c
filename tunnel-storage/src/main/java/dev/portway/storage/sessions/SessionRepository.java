package dev.portway.storage.sessions;

import dev.portway.storage.db.Jdbc;
import dev.portway.storage.db.Rows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** The session registry: rows appear on login, are touched by keep-alives and go away on disconnect. */
public final class SessionRepository {
    private static final String COLUMNS = "id, client_id, user_id, node, remote_addr, connected_at, last_seen";

    private final Jdbc jdbc;

    public SessionRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public CompletableFuture<SessionRecord> open(String clientId, long userId, String node, String remoteAddr) {
        UUID id = UUID.randomUUID();
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO sessions (id, client_id, user_id, node,"
                    + " remote_addr) VALUES (?, ?, ?, ?, ?) RETURNING " + COLUMNS)) {
                s.setObject(1, id);
                s.setString(2, clientId);
                s.setLong(3, userId);
                s.setString(4, node);
                s.setString(5, remoteAddr);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return read(rs);
                }
            }
        });
    }

    public CompletableFuture<Boolean> touch(UUID id) {
        return update("UPDATE sessions SET last_seen = now() WHERE id = ?", id);
    }

    public CompletableFuture<Boolean> close(UUID id) {
        return update("DELETE FROM sessions WHERE id = ?", id);
    }

    /** At node start: sessions a crashed run of this node left behind are gone. */
    public CompletableFuture<Integer> closeAllOfNode(String node) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM sessions WHERE node = ?")) {
                s.setString(1, node);
                return s.executeUpdate();
            }
        });
    }

    public CompletableFuture<List<SessionRecord>> listByUser(long userId) {
        return jdbc.query(c -> {
            List<SessionRecord> sessions = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM sessions WHERE user_id = ? ORDER BY connected_at")) {
                s.setLong(1, userId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        sessions.add(read(rs));
                    }
                }
            }
            return sessions;
        });
    }

    private CompletableFuture<Boolean> update(String sql, UUID id) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setObject(1, id);
                return s.executeUpdate() > 0;
            }
        });
    }

    private static SessionRecord read(ResultSet rs) throws SQLException {
        return new SessionRecord(rs.getObject("id", UUID.class), rs.getString("client_id"), rs.getLong("user_id"),
                rs.getString("node"), rs.getString("remote_addr"), Rows.instant(rs, "connected_at"),
                Rows.instant(rs, "last_seen"));
    }
}
