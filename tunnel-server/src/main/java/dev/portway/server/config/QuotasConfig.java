package dev.portway.server.config;

import dev.portway.storage.usage.UsagePeriods;

import java.time.Duration;
import java.time.ZoneId;

/**
 * How plans' traffic allowances are counted and enforced (the plans themselves live in the database).
 *
 * @param period        where usage periods start: the first of each calendar month in {@code zone}, or each month on
 *                      the day the user got its plan
 * @param checkInterval how often the usage of connected users is read; a user locked out is disconnected at most
 *                      this long (plus the 5 s traffic flush) after crossing
 * @param retryAfter    how long a refused client waits before it asks again: a plan change lets it in this soon
 */
public record QuotasConfig(UsagePeriods period, Duration checkInterval, Duration retryAfter) {
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofMinutes(1);
    public static final QuotasConfig DEFAULTS = new QuotasConfig(
            new UsagePeriods(UsagePeriods.Kind.CALENDAR, ZoneId.of("UTC")), DEFAULT_CHECK_INTERVAL,
            DEFAULT_RETRY_AFTER);

    public QuotasConfig {
        if (period == null || checkInterval == null || retryAfter == null) {
            throw new IllegalArgumentException("period, checkInterval and retryAfter are required");
        }
    }
}
