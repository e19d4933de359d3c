package dev.portway.storage.cache;

import java.time.Duration;

/**
 * @param refreshAfter how old an entry may get before a read triggers a background reload; the old value is served
 *                     meanwhile and kept if the reload fails, so a database outage does not log anyone out
 * @param maxEntries   bound per cache
 */
public record CacheSettings(Duration refreshAfter, long maxEntries) {
    public static final CacheSettings DEFAULTS = new CacheSettings(Duration.ofSeconds(30), 100_000);

    public CacheSettings {
        if (refreshAfter == null || refreshAfter.isNegative() || refreshAfter.isZero()) {
            throw new IllegalArgumentException("refreshAfter must be positive: " + refreshAfter);
        }
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
        }
    }
}
