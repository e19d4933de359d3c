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
 *
 * <p>A reload ({@link #replace}) swaps the whole table at once: a login sees the old list or the new one, never half
 * of each. Clients already connected stay connected whatever the new list says.
 */
public final class StaticTokenAuthenticator implements Authenticator {
    /** Digests and their principals, index for index. */
    private record Table(List<byte[]> digests, List<Principal> principals) {
        static Table of(AuthConfig config) {
            return new Table(config.tokens().stream().map(t -> sha256(t.token())).toList(),
                    config.users().stream()
                            .map(user -> new Principal(user, Principal.NOT_STORED, Principal.NOT_STORED)).toList());
        }
    }

    private volatile Table table;

    public StaticTokenAuthenticator(AuthConfig config) {
        this.table = Table.of(config);
    }

    /** Accepts the tokens of {@code config} from now on, and no longer those of the list it replaces. */
    public void replace(AuthConfig config) {
        table = Table.of(config);
    }

    @Override
    public CompletionStage<Optional<Principal>> authenticate(String token) {
        byte[] presented = sha256(token == null ? "" : token);
        Table current = table;
        List<byte[]> digests = current.digests();
        int match = -1;
        for (int i = 0; i < digests.size(); i++) {
            // Every digest is compared, matched or not, so the time taken says nothing about which one matched.
            if (MessageDigest.isEqual(digests.get(i), presented) && match < 0) {
                match = i;
            }
        }
        return CompletableFuture.completedFuture(match < 0 ? Optional.empty() : Optional.of(current.principals().get(match)));
    }

    public boolean isEmpty() {
        return table.digests().isEmpty();
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
