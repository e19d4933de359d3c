package dev.portway.client.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Backoff between reconnect attempts: the delay grows from {@code initial} by {@code factor} per failed attempt up
 * to {@code max}. With {@code jitter} the actual delay is drawn uniformly from zero to that value ("full jitter"),
 * so that clients cut off by one server restart do not all come back in the same instant.
 */
public record ReconnectConfig(Duration initial, Duration max, double factor, boolean jitter) {

    public static final ReconnectConfig DEFAULTS =
            new ReconnectConfig(Duration.ofSeconds(1), Duration.ofSeconds(60), 2.0, true);

    public ReconnectConfig {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max: " + initial + ", " + max);
        }
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("factor must be at least 1: " + factor);
        }
    }
}
