package dev.portway.server.auth;

import dev.portway.server.config.AuthConfig;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Tokens listed in server.yaml ({@code auth.tokens}), for setups without a database. Only SHA-256 digests are kept
 * in memory, and every presented token is compared with every digest in constant time, so neither timing nor an
 * early exit tells an attacker how close a guess was. With no tokens configured every client is refused.
 *
 * <p>Each token is its own principal ({@link AuthConfig#users()}: {@code static:<name>}, or {@code static:N} for a
 * plain N-th entry): the holder of one token cannot take over the client id, ports or hosts of another's. The colon
 * keeps these names apart from database users, whose names cannot contain one.
 */
public final class StaticTokenAuthenticator implements Authenticator {
    private final List<byte[]> digests;
    private final List<Principal> principals;

    public StaticTokenAuthenticator(AuthConfig config) {
        this.digests = config.tokens().stream().map(t -> sha256(t.token())).toList();
        this.principals = config.users().stream()
                .map(user -> new Principal(user, Principal.NOT_STORED, Principal.NOT_STORED)).toList();
    }

    @Override
    public CompletionStage<Optional<Principal>> authenticate(String token) {
        byte[] presented = sha256(token == null ? "" : token);
        int match = -1;
        for (int i = 0; i < digests.size(); i++) {
            // Every digest is compared, matched or not, so the time taken says nothing about which one matched.
            if (MessageDigest.isEqual(digests.get(i), presented) && match < 0) {
                match = i;
            }
        }
        return CompletableFuture.completedFuture(match < 0 ? Optional.empty() : Optional.of(principals.get(match)));
    }

    public boolean isEmpty() {
        return digests.isEmpty();
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
