package dev.portway.storage.cluster;

import dev.portway.storage.db.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
     * Takes every name in {@code names} for {@code tunnel} of session {@code sessionId}, or none of them. Other nodes
     * forward the tunnel only once its spec is recorded ({@link #describe}), when it is open on its own node.
     *
     * @return one sentence per name another session (or another tunnel of this one) holds; empty when all are taken
     */
    public CompletableFuture<List<String>> take(UUID sessionId, String tunnel, List<LiveName> names) {
        return jdbc.transaction(tx -> {
            Connection c = tx.connection();
            Savepoint before = c.setSavepoint();
            List<String> denials = new ArrayList<>();
            for (LiveName name : names) {
                if (!insert(c, sessionId, tunnel, name, null)) {
                    denials.add(holder(c, name));
                }
            }
            if (!denials.isEmpty()) {
                c.rollback(before);
            }
            return denials;
        });
    }

    /**
     * Records the spec of {@code tunnel} of session {@code sessionId}, whose names it holds, once its public side is
     * open on its node: only then do other nodes serve it too.
     */
    public CompletableFuture<Integer> describe(UUID sessionId, String tunnel, String spec) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE live_claims SET spec = ? WHERE session_id = ? AND tunnel = ?")) {
                s.setString(1, spec);
                s.setObject(2, sessionId);
                s.setString(3, tunnel);
                return s.executeUpdate();
            }
        });
    }

    /**
     * Takes the port the server picked for {@code tunnel} of session {@code sessionId}, with its spec, in place of
     * any other port of the same kind the tunnel held: a client that took its session over on another node was given
     * a new port there, and the old one, carried along with the session, is free.
     *
     * @return as {@link #take}
     */
    public CompletableFuture<List<String>> takePicked(UUID sessionId, String tunnel, LiveName port, String spec) {
        return jdbc.transaction(tx -> {
            Connection c = tx.connection();
            try (PreparedStatement s = c.prepareStatement("DELETE FROM live_claims WHERE session_id = ? AND tunnel = ?"
                    + " AND kind = ? AND name <> ?")) {
                s.setObject(1, sessionId);
                s.setString(2, tunnel);
                s.setString(3, port.kind().column());
                s.setString(4, port.name());
                s.executeUpdate();
            }
            return insert(c, sessionId, tunnel, port, spec) ? List.<String>of() : List.of(holder(c, port));
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

    /**
     * A tunnel held by a connected client, with what another node needs to serve its public side and forward to it.
     *
     * @param names the names it holds: ports, or hosts with their locations
     */
    public record RemoteTunnel(UUID sessionId, String tunnel, String spec, String node, String advertise,
                               Long userId, String userName, Long tokenId, List<LiveName> names) {
    }

    /** Every tunnel with a spec (open on its own node), with the node that holds it. */
    public CompletableFuture<List<RemoteTunnel>> described() {
        return jdbc.query(c -> {
            Map<String, RemoteTunnel> tunnels = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT c.kind, c.name, c.session_id, c.tunnel, c.spec,"
                    + " s.node, n.advertise, s.user_id, s.user_name, s.token_id FROM live_claims c"
                    + " JOIN sessions s ON s.id = c.session_id JOIN nodes n ON n.name = s.node"
                    + " WHERE c.spec IS NOT NULL ORDER BY c.session_id, c.tunnel, c.kind, c.name")) {
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        UUID session = rs.getObject("session_id", UUID.class);
                        String tunnel = rs.getString("tunnel");
                        RemoteTunnel held = tunnels.get(session + "/" + tunnel);
                        if (held == null) {
                            held = new RemoteTunnel(session, tunnel, rs.getString("spec"), rs.getString("node"),
                                    rs.getString("advertise"), rs.getObject("user_id", Long.class),
                                    rs.getString("user_name"), rs.getObject("token_id", Long.class), new ArrayList<>());
                            tunnels.put(session + "/" + tunnel, held);
                        }
                        held.names().add(new LiveName(LiveName.Kind.valueOf(rs.getString("kind")
                                .toUpperCase(Locale.ROOT)), rs.getString("name")));
                    }
                }
            }
            return List.copyOf(tunnels.values());
        });
    }

    /** @return false when another session, or another tunnel of this one, holds the name */
    private static boolean insert(Connection c, UUID sessionId, String tunnel, LiveName name, String spec)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO live_claims (kind, name, session_id, tunnel, spec)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, name) DO UPDATE SET claimed = now(),"
                // Claiming again before binding (a client that took its session over) keeps the recorded spec:
                // other nodes go on forwarding the tunnel instead of dropping it until it is bound again.
                + " spec = COALESCE(EXCLUDED.spec, live_claims.spec)"
                + " WHERE live_claims.session_id = EXCLUDED.session_id AND live_claims.tunnel = EXCLUDED.tunnel")) {
            s.setString(1, name.kind().column());
            s.setString(2, name.name());
            s.setObject(3, sessionId);
            s.setString(4, tunnel);
            s.setString(5, spec);
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
