package dev.portway.storage;

import dev.portway.storage.cache.CacheSettings;
import dev.portway.storage.usage.UsagePeriods;

import java.time.Duration;

/**
 * Tuning of the storage layer, with defaults in {@link #DEFAULTS}.
 *
 * @param trafficFlushInterval how often traffic counters are written; a crash loses at most this much traffic
 * @param usagePeriods         where the usage periods of traffic allowances start
 */
public record StorageSettings(CacheSettings cache, Duration trafficFlushInterval, UsagePeriods usagePeriods) {
    public static final StorageSettings DEFAULTS = new StorageSettings(CacheSettings.DEFAULTS, Duration.ofSeconds(5),
            UsagePeriods.CALENDAR_UTC);

    public StorageSettings(CacheSettings cache, Duration trafficFlushInterval) {
        this(cache, trafficFlushInterval, UsagePeriods.CALENDAR_UTC);
    }

    public StorageSettings {
        if (cache == null) {
            cache = CacheSettings.DEFAULTS;
        }
        if (trafficFlushInterval == null) {
            trafficFlushInterval = Duration.ofSeconds(5);
        }
        if (usagePeriods == null) {
            usagePeriods = UsagePeriods.CALENDAR_UTC;
        }
        if (trafficFlushInterval.isNegative() || trafficFlushInterval.isZero()) {
            throw new IllegalArgumentException("trafficFlushInterval must be positive: " + trafficFlushInterval);
        }
    }
}
