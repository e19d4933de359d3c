package dev.portway.storage.claims;

import dev.portway.protocol.control.HostPatterns;
import dev.portway.storage.ConflictException;
import dev.portway.storage.NotFoundException;
import dev.portway.storage.change.ChangeEvent;
import dev.portway.storage.db.Jdbc;
import dev.portway.storage.db.Rows;
import dev.portway.storage.tokens.SecretTokens;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Who owns which host and port, for every node on the database. Hosts are taken by a tunnel's registration or
 * reserved through the API; ports only reserved. A wildcard and the hosts under it count as one name: a user may not
 * hold a host under another user's wildcard, nor a wildcard over another user's host.
 *
 * <p>Claim transactions take one advisory lock, so two nodes never both grant a wildcard and a host under it to two
 * users; registrations are rare enough that one lock costs nothing measurable.
 */
public final class ClaimRepository {
    /** Static tokens have no user row: they hold nothing here, and any stored claim stands in their way. */
    public static final long NO_USER = 0;
    private static final long LOCK_KEY = 0x706f7274_636c6169L;
    private static final String PROOF_PREFIX = "pwp_";
    private static final String COLUMNS = "c.kind, c.name, c.user_id, u.name AS user_name, c.reserved, c.verified,"
            + " c.proof_token, c.created, c.last_used";
    private static final String FROM = " FROM claims c JOIN users u ON u.id = c.user_id";

    private final Jdbc jdbc;

    public ClaimRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes the hosts a registration needs, all or none: returns why some cannot be had (nothing is written then), or
     * an empty list once every host is this user's. {@code userId} {@link #NO_USER} only checks.
     */
    public CompletableFuture<List<ClaimDenial>> takeHosts(long userId, List<HostRequest> requests) {
        return jdbc.transaction(tx -> {
            Connection c = tx.connection();
            lock(c);
            List<String> hosts = requests.stream().map(HostRequest::host).toList();
            List<ClaimDenial> denials = new ArrayList<>(otherOwners(c, userId, hosts));
            if (userId == NO_USER || !denials.isEmpty()) {
                return denials;
            }
            Map<String, Claim> own = new HashMap<>();
            for (Claim claim : ownClaims(c, userId, hosts)) {
                own.put(claim.name(), claim);
            }
            List<String> fresh = new ArrayList<>();
            for (HostRequest request : requests) {
                Claim mine = own.get(request.host());
                switch (request.admission()) {
                    case FIRST_USE -> {
                        if (mine == null) {
                            fresh.add(request.host());
                        }
                    }
                    case RESERVED -> {
                        if (mine == null) {
                            denials.add(new ClaimDenial(ClaimKind.HOST, request.host(), ClaimDenial.Reason.NOT_RESERVED, null));
                        }
                    }
                    case PROVEN -> {
                        if (mine == null || !mine.verified()) {
                            denials.add(new ClaimDenial(ClaimKind.HOST, request.host(), ClaimDenial.Reason.NOT_PROVEN, null));
                        }
                    }
                }
            }
            if (!denials.isEmpty()) {
                return denials;
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO claims (kind, name, user_id, last_used)"
                    + " SELECT 'host', unnest(?), ?, now() ON CONFLICT (kind, name) DO NOTHING")) {
                s.setArray(1, c.createArrayOf("text", fresh.toArray()));
                s.setLong(2, userId);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE claims SET last_used = now()"
                    + " WHERE kind = 'host' AND user_id = ? AND name = ANY(?)")) {
                s.setLong(1, userId);
                s.setArray(2, c.createArrayOf("text", hosts.toArray()));
                s.executeUpdate();
            }
            return List.of();
        });
    }

    /** Why {@code userId} may not use {@code port}: reserved to another user. Empty when nothing stands in the way. */
    public CompletableFuture<Optional<ClaimDenial>> portDenial(long userId, int port) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT user_id FROM claims WHERE kind = 'port' AND name = ?")) {
                s.setString(1, Integer.toString(port));
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() && rs.getLong(1) != userId
                            ? Optional.of(new ClaimDenial(ClaimKind.PORT, Integer.toString(port), ClaimDenial.Reason.OTHER_OWNER,
                            Integer.toString(port)))
                            : Optional.empty();
                }
            }
        });
    }

    /** Every reserved port and its owner, for allocators that must not hand one out at random. */
    public CompletableFuture<Map<Integer, Long>> reservedPorts() {
        return jdbc.query(c -> {
            Map<Integer, Long> ports = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT name, user_id FROM claims WHERE kind = 'port'");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ports.put(Integer.parseInt(rs.getString(1)), rs.getLong(2));
                }
            }
            return ports;
        });
    }

    /**
     * Reserves a host or port to a user until released: keeps the claim the user holds already, or makes one.
     * A host not {@code verified} gets a proof token to publish.
     *
     * @throws ConflictException (in the future) when another user holds the name or, for a host, one it overlaps
     */
    public CompletableFuture<Claim> reserve(long userId, ClaimKind kind, String name, boolean verified) {
        return jdbc.transaction(tx -> {
            Connection c = tx.connection();
            lock(c);
            List<ClaimDenial> denials = kind == ClaimKind.HOST ? otherOwners(c, userId, List.of(name))
                    : portDenialIn(c, userId, name);
            if (!denials.isEmpty()) {
                throw new ConflictException("name", denials.get(0).describe());
            }
            boolean proven = verified || kind == ClaimKind.PORT;
            try (PreparedStatement s = c.prepareStatement("INSERT INTO claims AS c (kind, name, user_id, reserved,"
                    + " verified, proof_token) VALUES (?, ?, ?, true, ?, ?) ON CONFLICT (kind, name) DO UPDATE SET"
                    + " reserved = true, verified = c.verified OR EXCLUDED.verified,"
                    + " proof_token = CASE WHEN c.verified OR EXCLUDED.verified THEN NULL"
                    + " ELSE coalesce(c.proof_token, EXCLUDED.proof_token) END")) {
                s.setString(1, kind.dbName());
                s.setString(2, name);
                s.setLong(3, userId);
                s.setBoolean(4, proven);
                s.setString(5, proven ? null : SecretTokens.generate(PROOF_PREFIX));
                s.executeUpdate();
            }
            tx.publish(ChangeEvent.claim(kind.dbName()));
            return find(c, kind, name).orElseThrow();
        });
    }

    /** Marks a claim proven; its proof token is no longer needed. */
    public CompletableFuture<Claim> markVerified(ClaimKind kind, String name) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE claims SET verified = true, proof_token = NULL"
                    + " WHERE kind = ? AND name = ?")) {
                s.setString(1, kind.dbName());
                s.setString(2, name);
                if (s.executeUpdate() == 0) {
                    throw new NotFoundException("claim " + kind.dbName() + " " + name);
                }
            }
            return find(c, kind, name).orElseThrow();
        });
    }

    /** Gives the name up: any user may take it from now on. Returns the claim that was released. */
    public CompletableFuture<Claim> release(ClaimKind kind, String name) {
        return jdbc.transaction(tx -> {
            Connection c = tx.connection();
            Claim claim = find(c, kind, name).orElseThrow(
                    () -> new NotFoundException("claim " + kind.dbName() + " " + name));
            try (PreparedStatement s = c.prepareStatement("DELETE FROM claims WHERE kind = ? AND name = ?")) {
                s.setString(1, kind.dbName());
                s.setString(2, name);
                s.executeUpdate();
            }
            tx.publish(ChangeEvent.claim(kind.dbName()));
            return claim;
        });
    }

    public CompletableFuture<Optional<Claim>> find(ClaimKind kind, String name) {
        return jdbc.query(c -> find(c, kind, name));
    }

    /** Claims of one user, or of everyone when {@code userId} is null; by kind and name. */
    public CompletableFuture<List<Claim>> list(Long userId) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + FROM
                    + (userId == null ? "" : " WHERE c.user_id = ?") + " ORDER BY c.kind, c.name")) {
                if (userId != null) {
                    s.setLong(1, userId);
                }
                return readAll(s);
            }
        });
    }

    private static void lock(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            s.setLong(1, LOCK_KEY);
            s.execute();
        }
    }

    /**
     * The claims of other users on {@code hosts}, on the wildcards over the exact ones, and on the hosts under the
     * wildcard ones: one denial per host asked for and claim in its way.
     */
    private static List<ClaimDenial> otherOwners(Connection c, long userId, List<String> hosts) throws SQLException {
        Set<String> names = new LinkedHashSet<>(hosts);
        List<String> wildcards = new ArrayList<>();
        for (String host : hosts) {
            if (host.startsWith("*.")) {
                wildcards.add(host);
            } else if (HostPatterns.wildcardFor(host) != null) {
                names.add(HostPatterns.wildcardFor(host));
            }
        }
        List<String> blockers = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT name FROM claims WHERE kind = 'host' AND user_id <> ?"
                + " AND (name = ANY(?) OR (left(name, 2) <> '*.' AND strpos(name, '.') > 0"
                + " AND '*' || substr(name, strpos(name, '.')) = ANY(?)))")) {
            s.setLong(1, userId);
            s.setArray(2, c.createArrayOf("text", names.toArray()));
            s.setArray(3, c.createArrayOf("text", wildcards.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    blockers.add(rs.getString(1));
                }
            }
        }
        List<ClaimDenial> denials = new ArrayList<>();
        for (String host : hosts) {
            for (String blocker : blockers) {
                if (blocker.equals(host) || blocker.equals(HostPatterns.wildcardFor(host))
                        || (host.startsWith("*.") && host.equals(HostPatterns.wildcardFor(blocker)))) {
                    denials.add(new ClaimDenial(ClaimKind.HOST, host, ClaimDenial.Reason.OTHER_OWNER, blocker));
                }
            }
        }
        return denials;
    }

    private static List<ClaimDenial> portDenialIn(Connection c, long userId, String port) throws SQLException {
        return find(c, ClaimKind.PORT, port).filter(claim -> claim.userId() != userId)
                .map(claim -> List.of(new ClaimDenial(ClaimKind.PORT, port, ClaimDenial.Reason.OTHER_OWNER, port)))
                .orElse(List.of());
    }

    private static List<Claim> ownClaims(Connection c, long userId, List<String> hosts) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + FROM
                + " WHERE c.kind = 'host' AND c.user_id = ? AND c.name = ANY(?)")) {
            s.setLong(1, userId);
            s.setArray(2, c.createArrayOf("text", hosts.toArray()));
            return readAll(s);
        }
    }

    private static Optional<Claim> find(Connection c, ClaimKind kind, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + FROM
                + " WHERE c.kind = ? AND c.name = ?")) {
            s.setString(1, kind.dbName());
            s.setString(2, name);
            List<Claim> found = readAll(s);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    private static List<Claim> readAll(PreparedStatement s) throws SQLException {
        List<Claim> claims = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                claims.add(new Claim(ClaimKind.parse(rs.getString("kind")).orElseThrow(), rs.getString("name"),
                        rs.getLong("user_id"), rs.getString("user_name"), rs.getBoolean("reserved"),
                        rs.getBoolean("verified"), rs.getString("proof_token"), Rows.instant(rs, "created"),
                        Rows.instant(rs, "last_used")));
            }
        }
        return claims;
    }
}
