package dev.portway.server.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per public HTTP request on the logger {@value #LOGGER}, which the server's logback configuration sends
 * to its own rolling file and never to the main log. Fields are space separated, strings quoted, so a line is
 * both readable and parseable: {@code peer host "METHOD path" status bytes durationMs tunnel}.
 *
 * <p>Threading: any thread.
 */
public final class AccessLog {
    public static final String LOGGER = "portway.access";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private AccessLog() {
    }

    /**
     * @param bytes response body bytes sent to the peer
     * @param tunnel the tunnel that served it, or null when none did (unknown host)
     */
    static void record(String peer, String host, String method, String path, int status, long bytes,
                       long durationNanos, String tunnel) {
        if (log.isInfoEnabled()) {
            log.info("{} {} \"{} {}\" {} {} {} {}", peer, quote(host), method, quote(path), status, bytes,
                    durationNanos / 1_000_000, tunnel == null ? "-" : tunnel);
        }
    }

    /** Host and path come from the peer: control characters and quotes are escaped so one line stays one line. */
    static String quote(String value) {
        if (value == null) {
            return "-";
        }
        int first = 0;
        while (first < value.length() && !needsEscape(value.charAt(first))) {
            first++;
        }
        if (first == value.length()) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 8).append(value, 0, first);
        for (int i = first; i < value.length(); i++) {
            char c = value.charAt(i);
            if (needsEscape(c)) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == 0x7f || c == '"' || c == '\\';
    }
}
