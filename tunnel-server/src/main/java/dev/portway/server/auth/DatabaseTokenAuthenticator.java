package dev.portway.server.auth;

import dev.portway.storage.cache.TokenCache;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Client tokens issued through the admin API (and the bootstrap), looked up by hash in storage's {@link TokenCache}.
 * A revoked token is not found; a token of a suspended or disabled user is refused like an unknown one, so a caller
 * learns nothing about accounts from the refusal.
 *
 * <p>Threading: never blocks; a cache miss completes on the storage executor.
 */
public final class DatabaseTokenAuthenticator implements Authenticator {
    private final TokenCache tokens;

    public DatabaseTokenAuthenticator(TokenCache tokens) {
        this.tokens = tokens;
    }

    @Override
    public CompletionStage<Optional<Principal>> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return tokens.authenticate(token).thenApply(found -> found
                .filter(stored -> stored.active())
                .map(p -> new Principal(p.userName(), p.userId(), p.tokenId())));
    }
}
