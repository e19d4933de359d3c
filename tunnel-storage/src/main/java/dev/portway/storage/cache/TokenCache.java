package dev.portway.storage.cache;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portway.storage.change.ChangeBus;
import dev.portway.storage.change.ChangeEvent;
import dev.portway.storage.tokens.ClientTokenRepository;
import dev.portway.storage.tokens.Principal;
import dev.portway.storage.tokens.SecretTokens;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Token → principal, the look-up behind every client login. Keyed by the token's SHA-256, so the cache holds no
 * secret. Unknown tokens are not cached (a flood of wrong tokens cannot push out good ones, and a token issued a
 * moment ago is found at once).
 *
 * <p>Entries are refreshed after {@link CacheSettings#refreshAfter()}, never expired: when the database is down the
 * reload fails, the old value stays ({@link KeepOnFailureLoader}), and known clients can still log in. Revocations
 * and user changes invalidate entries through the {@link ChangeBus}, locally right after commit and on other nodes
 * by NOTIFY.
 *
 * <p><b>Threading:</b> {@link #authenticate} never blocks; a miss completes on the storage executor.
 */
public final class TokenCache {
    private final AsyncLoadingCache<String, Principal> cache;

    public TokenCache(ClientTokenRepository tokens, ChangeBus changes, CacheSettings settings) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(settings.maxEntries())
                .refreshAfterWrite(settings.refreshAfter())
                .buildAsync(new KeepOnFailureLoader<>(tokens::findPrincipal));
        changes.subscribe(this::onChange);
    }

    /**
     * The principal of a valid token, empty for an unknown or revoked one. Fails with
     * {@link dev.portway.storage.StorageUnavailableException} only when the token is not cached and the database is
     * down, so the caller can tell "wrong token" from "try again later". The caller checks the principal's status.
     */
    public CompletableFuture<Optional<Principal>> authenticate(String token) {
        return cache.get(SecretTokens.hashHex(token)).thenApply(Optional::ofNullable);
    }

    public long estimatedSize() {
        return cache.synchronous().estimatedSize();
    }

    private void onChange(ChangeEvent event) {
        switch (event.kind()) {
            case TOKEN -> cache.synchronous().invalidate(event.key());
            case USER -> {
                long userId = Long.parseLong(event.key());
                cache.synchronous().asMap().values().removeIf(principal -> principal.userId() == userId);
            }
            case ALL -> cache.synchronous().invalidateAll();
            default -> {
                // not about tokens
            }
        }
    }
}
