package dev.portway.storage.apikeys;

import dev.portway.storage.NotFoundException;
import dev.portway.storage.db.Jdbc;
import dev.portway.storage.db.Rows;
import dev.portway.storage.tokens.SecretTokens;
import dev.portway.storage.users.UserStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Operator API keys, stored as SHA-256 like client tokens. Not cached: the admin API is not a hot path, and an
 * uncached look-up means a revoked key stops working at once on every node.
 */
public final class ApiKeyRepository {
    private static final String COLUMNS = "id, user_id, prefix, role, created, revoked";

    private final Jdbc jdbc;

    public ApiKeyRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public CompletableFuture<IssuedApiKey> issue(long ownerId, ApiKeyRole role) {
        return jdbc.query(c -> insert(c, ownerId, role));
    }

    /** For callers that issue a key inside a larger transaction (bootstrap). */
    public static IssuedApiKey insert(Connection c, long ownerId, ApiKeyRole role) throws SQLException {
        String key = SecretTokens.generate(SecretTokens.API_KEY_PREFIX);
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO api_keys (user_id, hash, prefix, role) VALUES (?, ?, ?, ?) RETURNING " + COLUMNS)) {
            s.setLong(1, ownerId);
            s.setBytes(2, SecretTokens.hash(key));
            s.setString(3, SecretTokens.displayPrefix(key));
            s.setString(4, role.dbName());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new IssuedApiKey(key, read(rs));
            }
        }
    }

    /** The operator of a valid (not revoked) key. */
    public CompletableFuture<Optional<ApiKeyPrincipal>> authenticate(String key) {
        return authenticateHash(SecretTokens.hash(key));
    }

    /**
     * As {@link #authenticate}, by the key's hash: for a holder of a signed-in key (a console session) that keeps
     * the hash rather than the key itself.
     */
    public CompletableFuture<Optional<ApiKeyPrincipal>> authenticateHash(byte[] hash) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT k.id, k.role, u.id AS user_id, u.name, u.status FROM api_keys k"
                            + " JOIN users u ON u.id = k.user_id WHERE k.hash = ? AND k.revoked IS NULL")) {
                s.setBytes(1, hash);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new ApiKeyPrincipal(rs.getLong("id"), rs.getLong("user_id"),
                            rs.getString("name"), UserStatus.fromDb(rs.getString("status")),
                            ApiKeyRole.fromDb(rs.getString("role"))));
                }
            }
        });
    }

    public CompletableFuture<List<ApiKey>> listByOwner(long ownerId) {
        return jdbc.query(c -> {
            List<ApiKey> keys = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM api_keys WHERE user_id = ? ORDER BY id")) {
                s.setLong(1, ownerId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        keys.add(read(rs));
                    }
                }
            }
            return keys;
        });
    }

    public CompletableFuture<Optional<ApiKey>> findById(long keyId) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?")) {
                s.setLong(1, keyId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    public CompletableFuture<ApiKey> revoke(long keyId) {
        return jdbc.query(c -> revoke(c, keyId));
    }

    /**
     * Replaces a key that is not revoked with a new one of the same owner and role, in one transaction: there is no
     * moment with both keys valid, nor with neither.
     *
     * @throws NotFoundException (in the future) when no key of that id is valid; a revoked key is not renewed
     */
    public CompletableFuture<IssuedApiKey> rotate(long keyId) {
        return jdbc.transaction(tx -> {
            Connection c = tx.connection();
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE api_keys SET revoked = now() WHERE id = ? AND revoked IS NULL RETURNING " + COLUMNS)) {
                s.setLong(1, keyId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException("valid API key " + keyId);
                    }
                    ApiKey old = read(rs);
                    return insert(c, old.ownerId(), old.role());
                }
            }
        });
    }

    private static ApiKey revoke(Connection c, long keyId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE api_keys SET revoked = coalesce(revoked, now()) WHERE id = ? RETURNING " + COLUMNS)) {
            s.setLong(1, keyId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("API key " + keyId);
                }
                return read(rs);
            }
        }
    }

    private static ApiKey read(ResultSet rs) throws SQLException {
        return new ApiKey(rs.getLong("id"), rs.getLong("user_id"), rs.getString("prefix"),
                ApiKeyRole.fromDb(rs.getString("role")), Rows.instant(rs, "created"), Rows.instant(rs, "revoked"));
    }
}
