package dev.portway.client.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the client checks a tunnel's local target: after {@code failures} failed checks in a row it unregisters the
 * tunnel, and registers it again when a check passes. The defaults below are the only place they are written down.
 *
 * @param type     {@link Type#TCP}: the target accepts a connection; {@link Type#HTTP}: it answers
 *                 {@code GET path} with a 2xx status
 * @param path     the request path of an http check
 * @param interval time between the end of one check and the start of the next
 * @param failures consecutive failures that take the tunnel down
 * @param timeout  how long one check may take, connecting included; at most {@code interval}
 */
public record HealthCheckConfig(Type type, String path, Duration interval, int failures, Duration timeout) {
    public static final String DEFAULT_PATH = "/";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_FAILURES = 3;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    public enum Type {
        TCP("tcp"),
        HTTP("http");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public HealthCheckConfig {
        Objects.requireNonNull(type, "type");
        path = path == null ? DEFAULT_PATH : path;
        interval = interval == null ? DEFAULT_INTERVAL : interval;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with /: " + path);
        }
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1: " + failures);
        }
        if (timeout.compareTo(interval) > 0) {
            timeout = interval;
        }
    }
}
