package dev.portway.protocol.control;

import java.util.regex.Pattern;

/**
 * The syntax of tunnel and group names, checked alike by the client when it reads client.yaml and by the server on
 * every registration: names appear in logs, meter tags and admin API answers, so a peer must not choose their size
 * or characters.
 */
public final class TunnelNames {
    public static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    public static final Pattern GROUP = Pattern.compile("[a-zA-Z0-9_.-]{1,64}");
    public static final String NAME_EXPECTED = "1 to 64 characters of a-z, A-Z, 0-9, _ and -";
    public static final String GROUP_EXPECTED = "1 to 64 characters of a-z, A-Z, 0-9, ., _ and -";
    /** How much of a refused name a log line or an answer repeats. */
    private static final int QUOTED = 64;

    private TunnelNames() {
    }

    /** What is wrong with the names, port and IP rules of {@code spec}, or null when nothing is. */
    public static String problem(TunnelSpec spec) {
        if (spec.name() == null || !NAME.matcher(spec.name()).matches()) {
            return "invalid tunnel name: expected " + NAME_EXPECTED;
        }
        if (spec.remotePort() < 0 || spec.remotePort() > 65535) {
            return "remotePort must be 0 to 65535, got " + spec.remotePort();
        }
        GroupOptions group = spec.group();
        if (group != null && (group.name() == null || !GROUP.matcher(group.name()).matches())) {
            return "group name " + quote(group.name()) + " is invalid: expected " + GROUP_EXPECTED;
        }
        if (spec.maxConnections() < 0 || spec.maxConnections() > TunnelSpec.MAX_CONNECTIONS) {
            return "maxConnections must be 0 to " + TunnelSpec.MAX_CONNECTIONS + ", got " + spec.maxConnections();
        }
        if (spec.http() != null && spec.http().rateLimit() != null && spec.http().rateLimit().problem() != null) {
            return spec.http().rateLimit().problem();
        }
        return spec.ipRulesOrNone().problem();
    }

    /** {@code text} in quotes, cut to a length fit for a log line, with control characters shown as '?'. */
    public static String quote(String text) {
        if (text == null) {
            return "(none)";
        }
        String head = text.length() > QUOTED ? text.substring(0, QUOTED) : text;
        StringBuilder quoted = new StringBuilder(head.length() + 16).append('"');
        head.chars().forEach(c -> quoted.append(c < 0x20 || c == 0x7f ? '?' : (char) c));
        quoted.append('"');
        if (head.length() < text.length()) {
            quoted.append("… (").append(text.length()).append(" characters)");
        }
        return quoted.toString();
    }
}
