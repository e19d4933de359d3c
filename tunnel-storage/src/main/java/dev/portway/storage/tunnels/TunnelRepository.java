package dev.portway.storage.tunnels;

import dev.portway.protocol.control.TunnelType;
import dev.portway.storage.NotFoundException;
import dev.portway.storage.change.ChangeEvent;
import dev.portway.storage.db.Jdbc;
import dev.portway.storage.db.Rows;
import dev.portway.storage.db.Tx;
import dev.portway.storage.paging.ListQuery;
import dev.portway.storage.paging.Page;
import dev.portway.storage.paging.PagedSelect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Tunnels and their custom domains. Uniqueness is the database's job: a taken {@code (owner, name)}, remote port,
 * subdomain or custom domain fails with {@link dev.portway.storage.ConflictException} naming the field
 * ({@code name}, {@code remotePort}, {@code subdomain}, {@code customDomains}). Every change publishes
 * {@link ChangeEvent#tunnel} for the routing caches of all nodes.
 */
public final class TunnelRepository {
    private static final String COLUMNS = "SELECT t.id, t.user_id, t.name, t.type, t.remote_port, t.subdomain,"
            + " t.locations, t.local_target, t.options::text AS options, t.enabled, t.created, t.updated,"
            + " coalesce((SELECT array_agg(d.domain ORDER BY d.domain) FROM tunnel_domains d"
            + " WHERE d.tunnel_id = t.id), '{}') AS custom_domains";
    private static final String SELECT = COLUMNS + " FROM tunnels t";
    private static final PagedSelect<Tunnel> ALL = paged(null);
    private static final PagedSelect<Tunnel> OWNED = paged("t.user_id = ?");
    /** The fields {@link #page} sorts by. */
    public static final Set<String> SORTS = ALL.columns().keySet();

    private final Jdbc jdbc;

    public TunnelRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public CompletableFuture<Tunnel> create(TunnelDraft draft) {
        return jdbc.transaction(tx -> {
            long id;
            try (PreparedStatement s = tx.connection().prepareStatement("INSERT INTO tunnels (user_id, name, type,"
                    + " remote_port, subdomain, locations, local_target, options, enabled)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) RETURNING id")) {
                s.setLong(1, draft.ownerId());
                bindFields(tx.connection(), s, draft, 2);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            insertDomains(tx.connection(), id, draft.customDomains());
            tx.publish(ChangeEvent.tunnel(id));
            return find(tx.connection(), " WHERE t.id = ?", id).orElseThrow();
        });
    }

    /** Replaces every field but the owner. */
    public CompletableFuture<Tunnel> update(long id, TunnelDraft draft) {
        return jdbc.transaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement("UPDATE tunnels SET name = ?, type = ?,"
                    + " remote_port = ?, subdomain = ?, locations = ?, local_target = ?, options = ?::jsonb,"
                    + " enabled = ?, updated = now() WHERE id = ?")) {
                bindFields(tx.connection(), s, draft, 1);
                s.setLong(9, id);
                if (s.executeUpdate() == 0) {
                    throw new NotFoundException("tunnel " + id);
                }
            }
            try (PreparedStatement s = tx.connection().prepareStatement(
                    "DELETE FROM tunnel_domains WHERE tunnel_id = ?")) {
                s.setLong(1, id);
                s.executeUpdate();
            }
            insertDomains(tx.connection(), id, draft.customDomains());
            tx.publish(ChangeEvent.tunnel(id));
            return find(tx.connection(), " WHERE t.id = ?", id).orElseThrow();
        });
    }

    public CompletableFuture<Tunnel> setEnabled(long id, boolean enabled) {
        return jdbc.transaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement(
                    "UPDATE tunnels SET enabled = ?, updated = now() WHERE id = ?")) {
                s.setBoolean(1, enabled);
                s.setLong(2, id);
                if (s.executeUpdate() == 0) {
                    throw new NotFoundException("tunnel " + id);
                }
            }
            tx.publish(ChangeEvent.tunnel(id));
            return find(tx.connection(), " WHERE t.id = ?", id).orElseThrow();
        });
    }

    public CompletableFuture<Boolean> delete(long id) {
        return jdbc.transaction(tx -> deleteIn(tx, id));
    }

    private static boolean deleteIn(Tx tx, long id) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement("DELETE FROM tunnels WHERE id = ?")) {
            s.setLong(1, id);
            if (s.executeUpdate() == 0) {
                return false;
            }
        }
        tx.publish(ChangeEvent.tunnel(id));
        return true;
    }

    public CompletableFuture<Optional<Tunnel>> findById(long id) {
        return jdbc.query(c -> find(c, " WHERE t.id = ?", id));
    }

    public CompletableFuture<Optional<Tunnel>> findByRemotePort(int port) {
        return jdbc.query(c -> find(c, " WHERE t.remote_port = ?", port));
    }

    public CompletableFuture<Optional<Tunnel>> findBySubdomain(String subdomain) {
        return jdbc.query(c -> find(c, " WHERE t.subdomain = ?", subdomain.toLowerCase(Locale.ROOT)));
    }

    public CompletableFuture<Optional<Tunnel>> findByCustomDomain(String domain) {
        return jdbc.query(c -> find(c, " WHERE t.id = (SELECT tunnel_id FROM tunnel_domains WHERE domain = ?)",
                domain.toLowerCase(Locale.ROOT)));
    }

    public CompletableFuture<List<Tunnel>> listByOwner(long ownerId) {
        return jdbc.query(c -> list(c, " WHERE t.user_id = ? ORDER BY t.id", ownerId));
    }

    /**
     * One page of tunnels, of one owner or (null) of all; {@link ListQuery#contains} looks in the name, the subdomain
     * and the local target.
     */
    public CompletableFuture<Page<Tunnel>> page(Long ownerId, ListQuery query) {
        return jdbc.query(ownerId == null ? ALL.page(query, null) : OWNED.page(query, ownerId));
    }

    private static PagedSelect<Tunnel> paged(String scope) {
        return new PagedSelect<>(COLUMNS, "FROM tunnels t", scope, List.of("t.name", "t.subdomain", "t.local_target"),
                Map.of("id", "t.id", "name", "t.name", "type", "t.type", "ownerId", "t.user_id",
                        "remotePort", "t.remote_port", "created", "t.created", "updated", "t.updated"),
                "t.id", TunnelRepository::read);
    }

    private static void bindFields(Connection c, PreparedStatement s, TunnelDraft draft, int first)
            throws SQLException {
        s.setString(first, draft.name());
        s.setString(first + 1, draft.type().wireName());
        Rows.setNullableInt(s, first + 2, draft.remotePort());
        s.setString(first + 3, draft.subdomain());
        s.setArray(first + 4, c.createArrayOf("text", draft.locations().toArray()));
        s.setString(first + 5, draft.localTarget());
        s.setString(first + 6, draft.optionsJson());
        s.setBoolean(first + 7, draft.enabled());
    }

    private static void insertDomains(Connection c, long tunnelId, List<String> domains) throws SQLException {
        if (domains.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO tunnel_domains (domain, tunnel_id) VALUES (?, ?)")) {
            for (String domain : domains) {
                s.setString(1, domain);
                s.setLong(2, tunnelId);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static Optional<Tunnel> find(Connection c, String where, Object key) throws SQLException {
        List<Tunnel> tunnels = list(c, where, key);
        return tunnels.isEmpty() ? Optional.empty() : Optional.of(tunnels.get(0));
    }

    private static List<Tunnel> list(Connection c, String whereAndOrder, Object key) throws SQLException {
        List<Tunnel> tunnels = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(SELECT + whereAndOrder)) {
            if (key != null) {
                s.setObject(1, key);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    tunnels.add(read(rs));
                }
            }
        }
        return tunnels;
    }

    private static Tunnel read(ResultSet rs) throws SQLException {
        return new Tunnel(rs.getLong("id"), rs.getLong("user_id"), rs.getString("name"), type(rs.getString("type")),
                Rows.nullableInt(rs, "remote_port"), rs.getString("subdomain"), Rows.textList(rs, "custom_domains"),
                Rows.textList(rs, "locations"), rs.getString("local_target"), rs.getString("options"),
                rs.getBoolean("enabled"), Rows.instant(rs, "created"), Rows.instant(rs, "updated"));
    }

    private static TunnelType type(String wireName) {
        return TunnelType.byWireName(wireName).orElseThrow(() -> new IllegalStateException(
                "tunnel type " + wireName + " is stored but unknown to this version"));
    }
}
