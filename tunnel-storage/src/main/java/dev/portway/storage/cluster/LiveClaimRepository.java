package dev.portway.storage.cluster;

import dev.portway.storage.db.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Live claims: the ports and hosts connected clients hold, one holder per name in the whole cluster (the table's
 * primary key decides, not a check in memory). A claim belongs to a session row and goes when the tunnel closes, the
 * session ends, or its node is reaped.
 */
public final class LiveClaimRepository {
    private final Jdbc jdbc;

    public LiveClaimRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes every name in {@code names} for {@code tunnel} of session {@code sessionId}, or none of them.
     *
     * @return one sentence per name another session (or another tunnel of this one) holds; empty when all are taken
     */
    public CompletableFuture<List<String>> take(UUID sessionId, String tunnel, List<LiveName> names) {
        return jdbc.transaction(tx -> {
            Connection c = tx.connection();
            Savepoint before = c.setSavepoint();
            List<String> denials = new ArrayList<>();
            for (LiveName name : names) {
                if (!insert(c, sessionId, tunnel, name)) {
                    denials.add(holder(c, name));
                }
            }
            if (!denials.isEmpty()) {
                c.rollback(before);
            }
            return denials;
        });
    }

    /** Gives back what {@code tunnel} of session {@code sessionId} holds. */
    public CompletableFuture<Integer> release(UUID sessionId, String tunnel) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM live_claims WHERE session_id = ? AND tunnel = ?")) {
                s.setObject(1, sessionId);
                s.setString(2, tunnel);
                return s.executeUpdate();
            }
        });
    }

    /** A claim and the node and client holding it. */
    public record HeldName(LiveName name, String tunnel, String clientId, String node) {
    }

    public CompletableFuture<List<HeldName>> list() {
        return jdbc.query(c -> {
            List<HeldName> held = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT c.kind, c.name, c.tunnel, s.client_id, s.node"
                    + " FROM live_claims c JOIN sessions s ON s.id = c.session_id ORDER BY c.kind, c.name");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    held.add(new HeldName(new LiveName(LiveName.Kind.valueOf(rs.getString("kind").toUpperCase(
                            Locale.ROOT)), rs.getString("name")), rs.getString("tunnel"), rs.getString("client_id"),
                            rs.getString("node")));
                }
            }
            return held;
        });
    }

    /** @return false when another session, or another tunnel of this one, holds the name */
    private static boolean insert(Connection c, UUID sessionId, String tunnel, LiveName name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO live_claims (kind, name, session_id, tunnel)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (kind, name) DO UPDATE SET claimed = now()"
                + " WHERE live_claims.session_id = EXCLUDED.session_id AND live_claims.tunnel = EXCLUDED.tunnel")) {
            s.setString(1, name.kind().column());
            s.setString(2, name.name());
            s.setObject(3, sessionId);
            s.setString(4, tunnel);
            return s.executeUpdate() > 0;
        }
    }

    private static String holder(Connection c, LiveName name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT s.node FROM live_claims c"
                + " JOIN sessions s ON s.id = c.session_id WHERE c.kind = ? AND c.name = ?")) {
            s.setString(1, name.kind().column());
            s.setString(2, name.name());
            try (ResultSet rs = s.executeQuery()) {
                // Gone between the insert and this look: it was held a moment ago, and the client retries on reconnect.
                String where = rs.next() ? " on node " + rs.getString("node") : "";
                return name.describe() + " is held by another connected tunnel" + where;
            }
        }
    }
}
