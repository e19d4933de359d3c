package dev.portway.storage;

import dev.portway.storage.cache.CacheSettings;

import java.time.Duration;

/**
 * Tuning of the storage layer, with defaults in {@link #DEFAULTS}.
 *
 * @param trafficFlushInterval how often traffic counters are written; a crash loses at most this much traffic
 */
public record StorageSettings(CacheSettings cache, Duration trafficFlushInterval) {
    public static final StorageSettings DEFAULTS = new StorageSettings(CacheSettings.DEFAULTS, Duration.ofSeconds(5));

    public StorageSettings {
        if (cache == null) {
            cache = CacheSettings.DEFAULTS;
        }
        if (trafficFlushInterval == null) {
            trafficFlushInterval = Duration.ofSeconds(5);
        }
        if (trafficFlushInterval.isNegative() || trafficFlushInterval.isZero()) {
            throw new IllegalArgumentException("trafficFlushInterval must be positive: " + trafficFlushInterval);
        }
    }
}
