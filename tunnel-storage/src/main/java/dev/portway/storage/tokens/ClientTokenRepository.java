package dev.portway.storage.tokens;

import dev.portway.storage.NotFoundException;
import dev.portway.storage.change.ChangeEvent;
import dev.portway.storage.db.Jdbc;
import dev.portway.storage.db.Rows;
import dev.portway.storage.users.UserStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Client tokens. {@link #issue} returns the plain token once and stores its SHA-256; look-ups hash what the client
 * sent. Revocation publishes {@link ChangeEvent#token} so that no node keeps accepting the token from its cache.
 * For authentication on the hot path use {@link dev.portway.storage.cache.TokenCache}, not this class.
 */
public final class ClientTokenRepository {
    private static final String COLUMNS = "id, user_id, prefix, created, last_used, revoked";

    private final Jdbc jdbc;

    public ClientTokenRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public CompletableFuture<IssuedToken> issue(long userId) {
        return jdbc.query(c -> insert(c, userId));
    }

    /** For callers that issue a token inside a larger transaction (bootstrap). */
    public static IssuedToken insert(Connection c, long userId) throws SQLException {
        String token = SecretTokens.generate(SecretTokens.CLIENT_TOKEN_PREFIX);
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO client_tokens (user_id, hash, prefix) VALUES (?, ?, ?) RETURNING " + COLUMNS)) {
            s.setLong(1, userId);
            s.setBytes(2, SecretTokens.hash(token));
            s.setString(3, SecretTokens.displayPrefix(token));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new IssuedToken(token, read(rs));
            }
        }
    }

    /** The principal of a valid (not revoked) token with this SHA-256, whatever its user's status. */
    public CompletableFuture<Optional<Principal>> findPrincipal(String hashHex) {
        byte[] hash = HexFormat.of().parseHex(hashHex);
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT t.id, u.id AS user_id, u.name, u.status FROM client_tokens t JOIN users u ON u.id = t.user_id"
                            + " WHERE t.hash = ? AND t.revoked IS NULL")) {
                s.setBytes(1, hash);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Principal(rs.getLong("id"), rs.getLong("user_id"), rs.getString("name"),
                            UserStatus.fromDb(rs.getString("status"))));
                }
            }
        });
    }

    /** One token, revoked or not: the admin API needs its owner before it lets anyone revoke it. */
    public CompletableFuture<Optional<ClientToken>> findById(long tokenId) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM client_tokens WHERE id = ?")) {
                s.setLong(1, tokenId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    public CompletableFuture<List<ClientToken>> listByUser(long userId) {
        return jdbc.query(c -> {
            List<ClientToken> tokens = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM client_tokens WHERE user_id = ? ORDER BY id")) {
                s.setLong(1, userId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        tokens.add(read(rs));
                    }
                }
            }
            return tokens;
        });
    }

    /** Revokes a token; revoking twice is harmless. @throws NotFoundException (in the future) for an unknown id */
    public CompletableFuture<ClientToken> revoke(long tokenId) {
        return jdbc.transaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement(
                    "UPDATE client_tokens SET revoked = coalesce(revoked, now()) WHERE id = ? RETURNING hash, "
                            + COLUMNS)) {
                s.setLong(1, tokenId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException("client token " + tokenId);
                    }
                    tx.publish(ChangeEvent.token(HexFormat.of().formatHex(rs.getBytes("hash"))));
                    return read(rs);
                }
            }
        });
    }

    /** Records a successful login; best effort, the caller need not wait. */
    public CompletableFuture<Void> markUsed(long tokenId) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE client_tokens SET last_used = now() WHERE id = ?")) {
                s.setLong(1, tokenId);
                s.executeUpdate();
            }
            return null;
        });
    }

    private static ClientToken read(ResultSet rs) throws SQLException {
        return new ClientToken(rs.getLong("id"), rs.getLong("user_id"), rs.getString("prefix"),
                Rows.instant(rs, "created"), Rows.instant(rs, "last_used"), Rows.instant(rs, "revoked"));
    }
}
