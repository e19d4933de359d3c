package dev.portway.storage.plans;

import dev.portway.protocol.control.TunnelType;
import dev.portway.storage.ConflictException;
import dev.portway.storage.NotFoundException;
import dev.portway.storage.change.ChangeEvent;
import dev.portway.storage.db.Jdbc;
import dev.portway.storage.db.Rows;
import dev.portway.storage.db.Tx;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Plans. Making a plan the default takes the mark from the plan that had it. A plan some user is on cannot be
 * deleted ({@link ConflictException} on field {@code plan}). Every change publishes {@link ChangeEvent#plan}, which
 * makes every node look at the limits of that plan's users again.
 */
public final class PlanRepository {
    private static final String COLUMNS = "id, name, is_default, monthly_traffic, at_limit, throttle_floor,"
            + " warning_share, bandwidth_per_user, bandwidth_per_tunnel, connections_per_tunnel, connections_per_user,"
            + " tunnels_per_user, clients_per_user, tunnel_types, port_min, port_max, custom_domains, created, updated";
    private static final String SET_FIELDS = "name = ?, is_default = ?, monthly_traffic = ?, at_limit = ?,"
            + " throttle_floor = ?, warning_share = ?, bandwidth_per_user = ?, bandwidth_per_tunnel = ?,"
            + " connections_per_tunnel = ?, connections_per_user = ?, tunnels_per_user = ?, clients_per_user = ?,"
            + " tunnel_types = ?, port_min = ?, port_max = ?, custom_domains = ?";
    private static final int FIELDS = 16;

    private final Jdbc jdbc;

    public PlanRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public CompletableFuture<Plan> create(PlanDraft draft) {
        return jdbc.transaction(tx -> {
            takeDefaultMark(tx, draft, -1);
            long id;
            try (PreparedStatement s = tx.connection().prepareStatement("INSERT INTO plans (name, is_default,"
                    + " monthly_traffic, at_limit, throttle_floor, warning_share, bandwidth_per_user,"
                    + " bandwidth_per_tunnel, connections_per_tunnel, connections_per_user, tunnels_per_user,"
                    + " clients_per_user, tunnel_types, port_min, port_max, custom_domains)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
                bind(tx.connection(), s, draft);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            tx.publish(ChangeEvent.plan(id));
            return find(tx.connection(), id).orElseThrow();
        });
    }

    /** Replaces every field. */
    public CompletableFuture<Plan> update(long id, PlanDraft draft) {
        return jdbc.transaction(tx -> {
            takeDefaultMark(tx, draft, id);
            try (PreparedStatement s = tx.connection().prepareStatement(
                    "UPDATE plans SET " + SET_FIELDS + ", updated = now() WHERE id = ?")) {
                bind(tx.connection(), s, draft);
                s.setLong(FIELDS + 1, id);
                if (s.executeUpdate() == 0) {
                    throw new NotFoundException("plan " + id);
                }
            }
            tx.publish(ChangeEvent.plan(id));
            return find(tx.connection(), id).orElseThrow();
        });
    }

    /** Returns whether it existed. */
    public CompletableFuture<Boolean> delete(long id) {
        return jdbc.transaction(tx -> {
            // The row lock waits for a user moving onto the plan (its foreign key check holds a key-share lock) and
            // holds off later ones, so the count below sees every user of the plan: a plan in use is a conflict,
            // never a foreign key violation that would read as "not found".
            try (PreparedStatement s = tx.connection().prepareStatement(
                    "SELECT id FROM plans WHERE id = ? FOR UPDATE")) {
                s.setLong(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement s = tx.connection().prepareStatement(
                    "SELECT count(*) FROM users WHERE plan_id = ?")) {
                s.setLong(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    long users = rs.getLong(1);
                    if (users > 0) {
                        throw new ConflictException("plan", "plan " + id + " is the plan of " + users
                                + " user(s); move them to another plan first");
                    }
                }
            }
            try (PreparedStatement s = tx.connection().prepareStatement("DELETE FROM plans WHERE id = ?")) {
                s.setLong(1, id);
                s.executeUpdate();
            }
            tx.publish(ChangeEvent.plan(id));
            return true;
        });
    }

    public CompletableFuture<Optional<Plan>> findById(long id) {
        return jdbc.query(c -> find(c, id));
    }

    public CompletableFuture<List<Plan>> list() {
        return jdbc.query(c -> {
            List<Plan> plans = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM plans ORDER BY id");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    plans.add(read(rs));
                }
            }
            return plans;
        });
    }

    /**
     * The plan in force for a user: its own, else the default plan, else none (empty plan, unlimited). Empty when
     * the user does not exist.
     */
    public CompletableFuture<Optional<UserPlan>> forUser(long userId) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT u.id AS user_id, u.name AS user_name,"
                    + " u.plan_since, u.expires_at, p.id AS plan_id FROM users u"
                    + " LEFT JOIN plans p ON p.id = coalesce(u.plan_id, (SELECT id FROM plans WHERE is_default))"
                    + " WHERE u.id = ?")) {
                s.setLong(1, userId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    long planId = rs.getLong("plan_id");
                    Optional<Plan> plan = rs.wasNull() ? Optional.empty() : find(c, planId);
                    return Optional.of(new UserPlan(rs.getLong("user_id"), rs.getString("user_name"),
                            plan.orElse(null), Rows.instant(rs, "plan_since"), Rows.instant(rs, "expires_at")));
                }
            }
        });
    }

    private static void takeDefaultMark(Tx tx, PlanDraft draft, long id) throws SQLException {
        if (!draft.isDefault()) {
            return;
        }
        try (PreparedStatement s = tx.connection().prepareStatement(
                "UPDATE plans SET is_default = false, updated = now() WHERE is_default AND id <> ? RETURNING id")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    tx.publish(ChangeEvent.plan(rs.getLong(1)));
                }
            }
        }
    }

    private static Optional<Plan> find(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM plans WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static void bind(Connection c, PreparedStatement s, PlanDraft draft) throws SQLException {
        PlanLimits l = draft.limits();
        s.setString(1, draft.name());
        s.setBoolean(2, draft.isDefault());
        Rows.setNullableLong(s, 3, l.monthlyTraffic());
        s.setString(4, l.atLimit().wireName());
        Rows.setNullableLong(s, 5, l.throttleFloor());
        s.setFloat(6, (float) l.warningShare());
        Rows.setNullableLong(s, 7, l.bandwidthPerUser());
        Rows.setNullableLong(s, 8, l.bandwidthPerTunnel());
        Rows.setNullableInt(s, 9, l.connectionsPerTunnel());
        Rows.setNullableInt(s, 10, l.connectionsPerUser());
        Rows.setNullableInt(s, 11, l.tunnelsPerUser());
        Rows.setNullableInt(s, 12, l.clientsPerUser());
        if (l.tunnelTypes() == null) {
            s.setNull(13, Types.ARRAY);
        } else {
            Array types = c.createArrayOf("text", l.tunnelTypes().stream().map(TunnelType::wireName).sorted()
                    .toArray());
            s.setArray(13, types);
        }
        Rows.setNullableInt(s, 14, l.portMin());
        Rows.setNullableInt(s, 15, l.portMax());
        s.setBoolean(16, l.customDomains());
    }

    private static Plan read(ResultSet rs) throws SQLException {
        Set<TunnelType> types = null;
        if (rs.getArray("tunnel_types") != null) {
            types = EnumSet.noneOf(TunnelType.class);
            for (String name : Rows.textList(rs, "tunnel_types")) {
                TunnelType.byWireName(name).ifPresent(types::add);
            }
        }
        // real holds 0.8 as 0.800000011920929; the share is a percentage, two decimals are all it ever has
        double share = Math.round(rs.getFloat("warning_share") * 10_000d) / 10_000d;
        PlanLimits limits = new PlanLimits(Rows.nullableLong(rs, "monthly_traffic"),
                AtLimit.fromWireName(rs.getString("at_limit")), Rows.nullableLong(rs, "throttle_floor"), share,
                Rows.nullableLong(rs, "bandwidth_per_user"), Rows.nullableLong(rs, "bandwidth_per_tunnel"),
                Rows.nullableInt(rs, "connections_per_tunnel"), Rows.nullableInt(rs, "connections_per_user"),
                Rows.nullableInt(rs, "tunnels_per_user"), Rows.nullableInt(rs, "clients_per_user"), types,
                Rows.nullableInt(rs, "port_min"), Rows.nullableInt(rs, "port_max"), rs.getBoolean("custom_domains"));
        return new Plan(rs.getLong("id"), rs.getString("name"), rs.getBoolean("is_default"), limits,
                Rows.instant(rs, "created"), Rows.instant(rs, "updated"));
    }
}
