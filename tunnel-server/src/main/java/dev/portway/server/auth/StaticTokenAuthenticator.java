package dev.portway.server.auth;

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
 */
public final class StaticTokenAuthenticator implements Authenticator {
    /** Static tokens carry no user name; their sessions belong to this one principal. */
    public static final Principal STATIC_USER = new Principal("static", Principal.NOT_STORED, Principal.NOT_STORED);

    private final List<byte[]> digests;

    public StaticTokenAuthenticator(List<String> tokens) {
        this.digests = tokens.stream().map(StaticTokenAuthenticator::sha256).toList();
    }

    @Override
    public CompletionStage<Optional<Principal>> authenticate(String token) {
        byte[] presented = sha256(token == null ? "" : token);
        boolean match = false;
        for (byte[] digest : digests) {
            match |= MessageDigest.isEqual(digest, presented);
        }
        return CompletableFuture.completedFuture(match ? Optional.of(STATIC_USER) : Optional.empty());
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
