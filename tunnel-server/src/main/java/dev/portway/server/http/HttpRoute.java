package dev.portway.server.http;

import java.util.Locale;
import java.util.Objects;

/**
 * One host (exact, or {@code *.example.org} matching exactly one label) and path prefix ({@code /} for every
 * path) that an http tunnel serves.
 */
public record HttpRoute(String host, String location) {
    public HttpRoute {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(location, "location");
        host = normalizeHost(host);
        if (!location.startsWith("/")) {
            throw new IllegalArgumentException("location must start with /: " + location);
        }
    }

    /**
     * A Host header or SNI name as routes are keyed: lower case, without a port and without a trailing dot; null
     * when {@code host} is null or empty.
     */
    public static String normalizeHost(String host) {
        if (host == null) {
            return null;
        }
        String h = host.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            h = end > 0 ? h.substring(0, end + 1) : h;
        } else {
            int colon = h.indexOf(':');
            if (colon >= 0) {
                h = h.substring(0, colon);
            }
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.isEmpty() ? null : h.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return host + location;
    }
}
