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
 *
 * <p>Each token is its own principal, {@code static:N} for the N-th token of the list: the holder of one token cannot
 * take over the client id, ports or hosts of another's. The colon keeps these names apart from database users,
 * whose names cannot contain one.
 */
public final class StaticTokenAuthenticator implements Authenticator {
    private final List<byte[]> digests;

    public StaticTokenAuthenticator(List<String> tokens) {
        this.digests = tokens.stream().map(StaticTokenAuthenticator::sha256).toList();
    }

    /** The principal of the {@code index}-th token (from 0) of {@code auth.tokens}. */
    public static Principal principal(int index) {
        return new Principal("static:" + (index + 1), Principal.NOT_STORED, Principal.NOT_STORED);
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
        return CompletableFuture.completedFuture(match < 0 ? Optional.empty() : Optional.of(principal(match)));
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
