package dev.portway.storage.users;

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
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Users. Every change publishes {@link ChangeEvent#user}, which drops the cached principals of that user on every
 * node. A duplicate name fails with {@link dev.portway.storage.ConflictException} on field {@code name}.
 */
public final class UserRepository {
    private static final String COLUMNS = "id, name, status, created, plan_id, plan_since, expires_at";
    private static final PagedSelect<User> PAGED = new PagedSelect<>("SELECT " + COLUMNS, "FROM users", null,
            List.of("name", "status"), Map.of("id", "id", "name", "name", "status", "status", "created", "created"),
            "id", UserRepository::read);
    /** The fields {@link #page} sorts by. */
    public static final Set<String> SORTS = PAGED.columns().keySet();

    private final Jdbc jdbc;

    public UserRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public CompletableFuture<User> create(String name) {
        return jdbc.query(c -> insert(c, name, UserStatus.ACTIVE));
    }

    /** For callers that create a user inside a larger transaction (bootstrap). */
    public static User insert(Connection c, String name, UserStatus status) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO users (name, status) VALUES (?, ?) RETURNING " + COLUMNS)) {
            s.setString(1, name);
            s.setString(2, status.dbName());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return read(rs);
            }
        }
    }

    public CompletableFuture<Optional<User>> findById(long id) {
        return jdbc.query(c -> one(c, "SELECT " + COLUMNS + " FROM users WHERE id = ?", id));
    }

    public CompletableFuture<Optional<User>> findByName(String name) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE name = ?")) {
                s.setString(1, name);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    /** One page of users; {@link ListQuery#contains} looks in the name and the status. */
    public CompletableFuture<Page<User>> page(ListQuery query) {
        return jdbc.query(PAGED.page(query, null));
    }

    public CompletableFuture<Long> count() {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM users");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** @throws NotFoundException (in the future) when no such user exists */
    public CompletableFuture<User> setStatus(long id, UserStatus status) {
        return jdbc.transaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement(
                    "UPDATE users SET status = ? WHERE id = ? RETURNING " + COLUMNS)) {
                s.setString(1, status.dbName());
                s.setLong(2, id);
                return updated(tx, id, s);
            }
        });
    }

    /**
     * Changes what {@code change} sets. A new plan restarts a usage period that runs from the subscription day.
     *
     * @throws NotFoundException (in the future) when no such user, or no such plan, exists
     */
    public CompletableFuture<User> changePlan(long id, PlanChange change) {
        return jdbc.transaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement("UPDATE users SET"
                    + " plan_since = CASE WHEN ? AND plan_id IS DISTINCT FROM ? THEN now() ELSE plan_since END,"
                    + " plan_id = CASE WHEN ? THEN ? ELSE plan_id END,"
                    + " expires_at = CASE WHEN ? THEN ? ELSE expires_at END"
                    + " WHERE id = ? RETURNING " + COLUMNS)) {
                s.setBoolean(1, change.setsPlan());
                Rows.setNullableLong(s, 2, change.planId());
                s.setBoolean(3, change.setsPlan());
                Rows.setNullableLong(s, 4, change.planId());
                s.setBoolean(5, change.setsExpiry());
                Rows.setInstant(s, 6, change.expiresAt());
                s.setLong(7, id);
                return updated(tx, id, s);
            }
        });
    }

    /** Runs an {@code UPDATE ... RETURNING} of one user and tells every node. */
    private static User updated(Tx tx, long id, PreparedStatement update) throws SQLException {
        User user;
        try (ResultSet rs = update.executeQuery()) {
            if (!rs.next()) {
                throw new NotFoundException("user " + id);
            }
            user = read(rs);
        }
        tx.publish(ChangeEvent.user(id));
        return user;
    }

    /** Deletes the user with its tokens, keys, tunnels and sessions; returns whether it existed. */
    public CompletableFuture<Boolean> delete(long id) {
        return jdbc.transaction(tx -> {
            List<Long> tunnelIds = new ArrayList<>();
            try (PreparedStatement s = tx.connection().prepareStatement("SELECT id FROM tunnels WHERE user_id = ?")) {
                s.setLong(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        tunnelIds.add(rs.getLong(1));
                    }
                }
            }
            try (PreparedStatement s = tx.connection().prepareStatement("DELETE FROM users WHERE id = ?")) {
                s.setLong(1, id);
                if (s.executeUpdate() == 0) {
                    return false;
                }
            }
            tx.publish(ChangeEvent.user(id));
            for (long tunnelId : tunnelIds) {
                tx.publish(ChangeEvent.tunnel(tunnelId));
            }
            return true;
        });
    }

    private static Optional<User> one(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    static User read(ResultSet rs) throws SQLException {
        return new User(rs.getLong("id"), rs.getString("name"), UserStatus.fromDb(rs.getString("status")),
                Rows.instant(rs, "created"), Rows.nullableLong(rs, "plan_id"), Rows.instant(rs, "plan_since"), Rows.instant(rs, "expires_at"));
    }
}
