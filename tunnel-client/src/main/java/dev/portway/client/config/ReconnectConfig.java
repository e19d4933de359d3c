package dev.portway.client.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Backoff between reconnect attempts: the delay grows from {@code initial} by {@code factor} per failed attempt up
 * to {@code max}. With {@code jitter} the actual delay is drawn uniformly from zero to that value ("full jitter"),
 * so that clients cut off by one server restart do not all come back in the same instant.
 *
 * @param exitOnFatal whether the client exits on a failure that asking again cannot fix (the server's certificate is
 *                    not the pinned one or not trusted by the CA, the token is invalid, revoked or its user suspended,
 *                    or the client id is malformed) instead of retrying it forever; {@code false} keeps trying, for a
 *                    client whose server or token an operator will fix without touching it. Default {@code true}.
 */
public record ReconnectConfig(Duration initial, Duration max, double factor, boolean jitter, boolean exitOnFatal) {

    /**
     * {@code max} bounds how long a client waits after the server is back: at that moment its next attempt is up
     * to one ceiling away. With 60 s, a server that took 4.5 s to restart left the last of 1,000 clients out for
     * 15 s after it accepted again, and the longer the restart the longer the tail; 8 s keeps the tail under
     * 8 s whatever the restart took, for about one refused attempt per client every 4 s while the server is down.
     */
    private static final boolean DEFAULT_EXIT_ON_FATAL = true;
    public static final ReconnectConfig DEFAULTS =
            new ReconnectConfig(Duration.ofSeconds(1), Duration.ofSeconds(8), 2.0, true, DEFAULT_EXIT_ON_FATAL);

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

    /** The backoff alone; {@code exitOnFatal} at its default. */
    public ReconnectConfig(Duration initial, Duration max, double factor, boolean jitter) {
        this(initial, max, factor, jitter, DEFAULT_EXIT_ON_FATAL);
    }

    public ReconnectConfig withExitOnFatal(boolean newExitOnFatal) {
        return new ReconnectConfig(initial, max, factor, jitter, newExitOnFatal);
    }
}
