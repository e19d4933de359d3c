package dev.portway.server.auth;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Asks its authenticators in order and takes the first principal. The static tokens of server.yaml come first: they
 * answer from memory, so a token-only client never waits for (or depends on) the database. A failure of a later
 * authenticator (database unreachable) fails the whole look-up, so the client hears "try again later", not
 * "invalid token".
 */
public final class ChainedAuthenticator implements Authenticator {
    private final List<Authenticator> chain;

    public ChainedAuthenticator(List<Authenticator> chain) {
        this.chain = List.copyOf(chain);
    }

    @Override
    public CompletionStage<Optional<Principal>> authenticate(String token) {
        CompletionStage<Optional<Principal>> result = CompletableFuture.completedFuture(Optional.empty());
        for (Authenticator next : chain) {
            result = result.thenCompose(found -> found.isPresent()
                    ? CompletableFuture.completedFuture(found)
                    : next.authenticate(token));
        }
        return result;
    }
}
