package dev.portway.storage.sessions;

import dev.portway.storage.change.ChangeEvent;
import dev.portway.storage.change.ChangeKind;
import dev.portway.storage.db.Jdbc;
import dev.portway.storage.db.Rows;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The session registry of a cluster: one row per connected client id, naming the node that holds it. A client that
 * connects again, to any node, takes its row over; the row's new id carries its live claims along.
 */
public final class SessionRepository {
    private static final String SELECT = "SELECT s.id, s.client_id, s.user_id, s.user_name, s.token_id, s.node,"
            + " s.remote_addr, s.connected_at,"
            + " array_remove(array_agg(DISTINCT c.tunnel ORDER BY c.tunnel), NULL) AS tunnels"
            + " FROM sessions s LEFT JOIN live_claims c ON c.session_id = s.id";
    /** A concurrent first connection of the same client id may win the insert; then the row is taken over. */
    private static final int ATTEMPTS = 3;

    private final Jdbc jdbc;

    public SessionRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Who connects: the client id and the user it logged in as ({@code userId} 0: a static token's user). */
    public record Holder(String clientId, long userId, String userName, long tokenId, String node,
                         String remoteAddr) {
    }

    /** The outcome of {@link #take}: the session replaced (on any node), or why the client id was refused. */
    public record Taken(Optional<SessionRecord> replaced, String refusal) {
        public boolean refused() {
            return refusal != null;
        }
    }

    /**
     * Records session {@code id} for {@code holder}. When the client id has a row already (a connection on this or
     * another node, alive or not), the row becomes this session's, its claims with it, and the node holding the old
     * one hears {@link ChangeKind#SESSION_REPLACED} ({@code <old id> <new node> <old node>}) at commit; a row of
     * another user
     * refuses.
     */
    public CompletableFuture<Taken> take(UUID id, Holder holder) {
        return jdbc.transaction(tx -> {
            Connection c = tx.connection();
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Optional<SessionRecord> previous = lockByClient(c, holder.clientId());
                if (previous.isPresent()) {
                    SessionRecord old = previous.get();
                    if (old.userId() != holder.userId() || !old.userName().equals(holder.userName())) {
                        return new Taken(Optional.empty(),
                                "client id " + holder.clientId() + " is in use by another user");
                    }
                    try (PreparedStatement s = c.prepareStatement("UPDATE sessions SET id = ?, token_id = ?,"
                            + " node = ?, remote_addr = ?, connected_at = now(), last_seen = now()"
                            + " WHERE client_id = ?")) {
                        s.setObject(1, id);
                        setUser(s, 2, holder.tokenId());
                        s.setString(3, holder.node());
                        s.setString(4, holder.remoteAddr());
                        s.setString(5, holder.clientId());
                        s.executeUpdate();
                    }
                    tx.publish(new ChangeEvent(ChangeKind.SESSION_REPLACED,
                            old.id() + " " + holder.node() + " " + old.node()));
                    return new Taken(previous, null);
                }
                try (PreparedStatement s = c.prepareStatement("INSERT INTO sessions (id, client_id, user_id,"
                        + " user_name, token_id, node, remote_addr) VALUES (?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (client_id) DO NOTHING")) {
                    s.setObject(1, id);
                    s.setString(2, holder.clientId());
                    setUser(s, 3, holder.userId());
                    s.setString(4, holder.userName());
                    setUser(s, 5, holder.tokenId());
                    s.setString(6, holder.node());
                    s.setString(7, holder.remoteAddr());
                    if (s.executeUpdate() > 0) {
                        return new Taken(Optional.empty(), null);
                    }
                }
            }
            return new Taken(Optional.empty(), "client id " + holder.clientId()
                    + " is connecting on several nodes at once; try again");
        });
    }

    /** Removes the session and its claims; a row taken over since has another id and stays. */
    public CompletableFuture<Boolean> close(UUID id) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM sessions WHERE id = ?")) {
                s.setObject(1, id);
                return s.executeUpdate() > 0;
            }
        });
    }

    /** Every session of the cluster, oldest first. */
    public CompletableFuture<List<SessionRecord>> listAll() {
        return jdbc.query(c -> {
            List<SessionRecord> sessions = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(SELECT + " GROUP BY s.id ORDER BY s.connected_at, s.id");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    sessions.add(read(rs));
                }
            }
            return sessions;
        });
    }

    public CompletableFuture<Optional<SessionRecord>> find(UUID id) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement(SELECT + " WHERE s.id = ? GROUP BY s.id")) {
                s.setObject(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Asks the node holding session {@code id} to end it ({@link ChangeKind#SESSION_END}, delivered at commit). */
    public CompletableFuture<Void> requestEnd(UUID id) {
        return jdbc.transaction(tx -> {
            tx.publish(new ChangeEvent(ChangeKind.SESSION_END, id.toString()));
            return null;
        });
    }

    /**
     * Tells the node still holding session {@code replaced}, which a client took over on another node, that the
     * client's tunnels are registered on its new node ({@link ChangeKind#SESSION_SETTLED}, delivered at commit).
     */
    public CompletableFuture<Void> settled(UUID replaced) {
        return jdbc.transaction(tx -> {
            tx.publish(new ChangeEvent(ChangeKind.SESSION_SETTLED, replaced.toString()));
            return null;
        });
    }

    /**
     * Asks every node to end the sessions of {@code owner} ({@link SessionOwner#event()}, delivered at commit): each
     * node ends those it holds.
     *
     * @return the ids of the sessions of {@code owner} the registry records on nodes other than {@code node}
     */
    public CompletableFuture<List<UUID>> requestEndOf(SessionOwner owner, String node) {
        return jdbc.transaction(tx -> {
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement s = tx.connection().prepareStatement("SELECT id FROM sessions WHERE "
                    + owner.kind().column() + " = ? AND node <> ? ORDER BY connected_at, id")) {
                s.setLong(1, owner.id());
                s.setString(2, node);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject("id", UUID.class));
                    }
                }
            }
            tx.publish(owner.event());
            return ids;
        });
    }

    /**
     * What the user {@code userId} ({@code userName}, for a static token's user whose id is 0) holds on nodes other
     * than {@code node}, leaving out the session of {@code clientId}: a client that connects again takes it over, and
     * adds no client to the count.
     */
    public CompletableFuture<Holdings> heldElsewhere(long userId, String userName, String node, String clientId) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) AS clients, coalesce(sum("
                    + "(SELECT count(DISTINCT l.tunnel) FROM live_claims l WHERE l.session_id = s.id)), 0) AS tunnels"
                    + " FROM sessions s WHERE s.user_id IS NOT DISTINCT FROM ?"
                    + " AND (s.user_id IS NOT NULL OR s.user_name = ?) AND s.node <> ? AND s.client_id <> ?")) {
                setUser(s, 1, userId);
                s.setString(2, userName);
                s.setString(3, node);
                s.setString(4, clientId);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return new Holdings(rs.getInt("clients"), rs.getInt("tunnels"));
                }
            }
        });
    }

    private static Optional<SessionRecord> lockByClient(Connection c, String clientId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT s.id, s.client_id, s.user_id, s.user_name, s.token_id,"
                + " s.node, s.remote_addr, s.connected_at, NULL::text[] AS tunnels FROM sessions s"
                + " WHERE s.client_id = ? FOR UPDATE")) {
            s.setString(1, clientId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** Ids 0 (nothing stored) are NULL in the table. */
    private static void setUser(PreparedStatement s, int index, long id) throws SQLException {
        if (id == 0) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, id);
        }
    }

    private static SessionRecord read(ResultSet rs) throws SQLException {
        Long userId = Rows.nullableLong(rs, "user_id");
        Long tokenId = Rows.nullableLong(rs, "token_id");
        return new SessionRecord(rs.getObject("id", UUID.class), rs.getString("client_id"),
                userId == null ? 0 : userId, rs.getString("user_name"), tokenId == null ? 0 : tokenId,
                rs.getString("node"), rs.getString("remote_addr"), Rows.instant(rs, "connected_at"),
                Rows.textList(rs, "tunnels"));
    }
}
