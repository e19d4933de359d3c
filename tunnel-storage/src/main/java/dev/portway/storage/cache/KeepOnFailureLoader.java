package dev.portway.storage.cache;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Loads through a repository; a background refresh that fails (database down) answers with the value the cache
 * already has. Caffeine would keep that value anyway, but it would also log a stack trace for every failed refresh
 * of every key during an outage; this way the outage is reported once, by the listener and the failing writes.
 */
final class KeepOnFailureLoader<K, V> implements AsyncCacheLoader<K, V> {
    private static final Logger log = LoggerFactory.getLogger(KeepOnFailureLoader.class);

    private final Function<K, CompletableFuture<Optional<V>>> lookup;

    KeepOnFailureLoader(Function<K, CompletableFuture<Optional<V>>> lookup) {
        this.lookup = lookup;
    }

    @Override
    public CompletableFuture<? extends V> asyncLoad(K key, Executor executor) {
        // null means "no such entry": not cached, so a new token or tunnel is found on the next look-up
        return lookup.apply(key).thenApply(found -> found.orElse(null));
    }

    @Override
    public CompletableFuture<? extends V> asyncReload(K key, V oldValue, Executor executor) {
        return lookup.apply(key).handle((found, error) -> {
            if (error != null) {
                log.debug("Keeping the cached entry; its refresh failed: {}", error.getMessage());
                return oldValue;
            }
            return found.orElse(null);
        });
    }
}
