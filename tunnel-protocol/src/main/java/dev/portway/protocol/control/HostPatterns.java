package dev.portway.protocol.control;

import java.util.Locale;

/**
 * Host names as certificates and routes use them: exact names, and wildcards {@code *.example.org} that stand for
 * exactly one label ({@code a.example.org}, not {@code example.org} nor {@code b.a.example.org}). Compared
 * case-insensitively; a trailing dot is ignored.
 */
public final class HostPatterns {
    private HostPatterns() {
    }

    /** Lower case, without a trailing dot; null stays null. */
    public static String normalize(String host) {
        if (host == null) {
            return null;
        }
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    public static boolean isWildcard(String pattern) {
        return pattern.startsWith("*.");
    }

    /** The wildcard that would cover {@code host} ({@code a.example.org} → {@code *.example.org}); null for one label. */
    public static String wildcardFor(String host) {
        int dot = host.indexOf('.');
        return dot <= 0 || dot == host.length() - 1 ? null : "*" + host.substring(dot);
    }

    /** Whether {@code pattern} (exact or wildcard) covers {@code host} (exact or wildcard). */
    public static boolean matches(String pattern, String host) {
        String p = normalize(pattern);
        String h = normalize(host);
        if (p.equals(h)) {
            return true;
        }
        return isWildcard(p) && !isWildcard(h) && p.equals(wildcardFor(h));
    }
}
