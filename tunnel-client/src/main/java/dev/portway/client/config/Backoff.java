package dev.portway.client.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * Computes reconnect delays from a {@link ReconnectConfig}. Stateless apart from the random source, so the
 * connector keeps the attempt count itself and resets it after a successful session. Not thread-safe when the
 * {@link Random} is not (call it from the connector's event loop).
 */
public final class Backoff {
    private final ReconnectConfig config;
    private final Random random;

    public Backoff(ReconnectConfig config, Random random) {
        this.config = Objects.requireNonNull(config, "config");
        this.random = Objects.requireNonNull(random, "random");
    }

    public Backoff(ReconnectConfig config) {
        this(config, new Random());
    }

    /** {@code min(max, initial * factor^attempt)}, the upper bound of the delay before retry number {@code attempt}. */
    public Duration ceiling(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0: " + attempt);
        }
        double nanos = config.initial().toNanos() * Math.pow(config.factor(), attempt);
        long maxNanos = config.max().toNanos();
        // Doubles grow past Long.MAX_VALUE (or to infinity) long before attempt counts get large.
        return Duration.ofNanos(nanos >= maxNanos ? maxNanos : (long) nanos);
    }

    /**
     * The delay before retry number {@code attempt}, counting from 0 for the first retry after a failure:
     * the {@link #ceiling} itself, or with jitter a uniform draw from {@code [0, ceiling]}.
     */
    public Duration delay(int attempt) {
        Duration ceiling = ceiling(attempt);
        if (!config.jitter()) {
            return ceiling;
        }
        long bound = ceiling.toNanos();
        return Duration.ofNanos(random.nextLong(bound == Long.MAX_VALUE ? bound : bound + 1));
    }
}
