package dev.portway.storage.cluster;

import dev.portway.storage.db.Jdbc;
import dev.portway.storage.db.Rows;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code nodes} table: a server node joins, beats, drains and leaves; any node deletes the nodes whose heartbeat
 * stopped, and with them (by cascade) their sessions and those sessions' live claims.
 */
public final class NodeRepository {
    private final Jdbc jdbc;

    public NodeRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Adds this node, replacing the row a crashed run of it left (its sessions and claims go with that row).
     *
     * @return why the node may not join: another live node has the same name, or another secret; empty: joined
     */
    public CompletableFuture<Optional<String>> join(String name, String advertise, byte[] secretDigest,
                                                    Duration deadAfter) {
        return jdbc.transaction(tx -> {
            Connection c = tx.connection();
            // One joins at a time, so two nodes started together with different secrets cannot both get in.
            try (PreparedStatement lock = c.prepareStatement("LOCK TABLE nodes IN SHARE ROW EXCLUSIVE MODE")) {
                lock.execute();
            }
            try (PreparedStatement s = c.prepareStatement("SELECT name, secret_digest = ? AS same_secret FROM nodes"
                    + " WHERE last_heartbeat > now() - make_interval(secs => ?) ORDER BY name")) {
                s.setBytes(1, secretDigest);
                s.setDouble(2, seconds(deadAfter));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getString("name").equals(name)) {
                            return Optional.of("node name " + name + " is in use by a live node (its heartbeat is"
                                    + " younger than cluster.deadAfter); every node needs its own cluster.nodeName");
                        }
                        if (!rs.getBoolean("same_secret")) {
                            return Optional.of("cluster.secret differs from that of the live node "
                                    + rs.getString("name") + "; every node needs the same secret");
                        }
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM nodes WHERE name = ?")) {
                s.setString(1, name);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO nodes (name, advertise, secret_digest) VALUES (?, ?, ?)")) {
                s.setString(1, name);
                s.setString(2, advertise);
                s.setBytes(3, secretDigest);
                s.executeUpdate();
            }
            return Optional.empty();
        });
    }

    /** @return false when the row is gone: other nodes took this one for dead and reaped it */
    public CompletableFuture<Boolean> heartbeat(String name) {
        return update("UPDATE nodes SET last_heartbeat = now() WHERE name = ?", name);
    }

    /** Marks the node as leaving: it takes no new clients and its clients move. */
    public CompletableFuture<Boolean> drain(String name) {
        return update("UPDATE nodes SET state = 'draining' WHERE name = ?", name);
    }

    /** The node is gone; its sessions and claims with it. */
    public CompletableFuture<Boolean> leave(String name) {
        return update("DELETE FROM nodes WHERE name = ?", name);
    }

    /**
     * Deletes every other node without a heartbeat for {@code deadAfter}, with its sessions and their claims. Two
     * nodes reaping at once delete each row once: the second waits for the first's row lock and finds nothing.
     */
    public CompletableFuture<List<ReapedNode>> reapDead(String self, Duration deadAfter) {
        return jdbc.query(c -> {
            List<ReapedNode> reaped = new ArrayList<>();
            // The cascade runs after the statement's rows are chosen, so RETURNING still counts the sessions.
            try (PreparedStatement s = c.prepareStatement("DELETE FROM nodes n WHERE name <> ?"
                    + " AND last_heartbeat < now() - make_interval(secs => ?)"
                    + " RETURNING name, (SELECT count(*) FROM sessions s WHERE s.node = n.name) AS sessions,"
                    + " (SELECT count(*) FROM live_claims c JOIN sessions s ON s.id = c.session_id"
                    + " WHERE s.node = n.name) AS claims")) {
                s.setString(1, self);
                s.setDouble(2, seconds(deadAfter));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        reaped.add(new ReapedNode(rs.getString("name"), rs.getInt("sessions"), rs.getInt("claims")));
                    }
                }
            }
            return reaped;
        });
    }

    /** Nodes whose heartbeat is younger than {@code deadAfter}, draining or not. */
    public CompletableFuture<Integer> countLive(Duration deadAfter) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM nodes"
                    + " WHERE last_heartbeat > now() - make_interval(secs => ?)")) {
                s.setDouble(1, seconds(deadAfter));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    public CompletableFuture<List<NodeRecord>> list() {
        return jdbc.query(c -> {
            List<NodeRecord> nodes = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT name, advertise, started, last_heartbeat, state"
                    + " FROM nodes ORDER BY name");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    nodes.add(NodeRecord.read(rs));
                }
            }
            return nodes;
        });
    }

    private CompletableFuture<Boolean> update(String sql, String name) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, name);
                return s.executeUpdate() > 0;
            }
        });
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    /** A node deleted for silence, and how many sessions and live claims went with it. */
    public record ReapedNode(String name, int sessions, int claims) {
    }

    /** A row of {@code nodes}. */
    public record NodeRecord(String name, String advertise, Instant started, Instant lastHeartbeat, String state) {
        static NodeRecord read(ResultSet rs) throws SQLException {
            return new NodeRecord(rs.getString("name"), rs.getString("advertise"), Rows.instant(rs, "started"),
                    Rows.instant(rs, "last_heartbeat"), rs.getString("state"));
        }
    }
}
