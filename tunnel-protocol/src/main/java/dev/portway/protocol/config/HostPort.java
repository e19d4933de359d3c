package dev.portway.protocol.config;

import java.util.Objects;

/**
 * A host name or IP literal with a port, as written in configuration ({@code example.com:7000}, {@code [::1]:80}).
 * The host is kept as written (IPv6 without brackets); nothing is resolved here, so parsing never blocks.
 */
public record HostPort(String host, int port) {

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '[' || c == ']')) {
            throw new IllegalArgumentException("invalid host: \"" + host + "\"");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Parses {@code host:port}; the port must be given and lie in 1..65535. */
    public static HostPort parse(String text) {
        return parse(text, -1);
    }

    /**
     * Parses {@code host:port}, or a bare host when {@code defaultPort} is at least 1. A bare IPv6 literal needs
     * brackets ({@code [::1]}) because its colons would otherwise be read as the port separator.
     */
    public static HostPort parse(String text, int defaultPort) {
        Objects.requireNonNull(text, "text");
        String s = text.trim();
        String host;
        String portText;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' in \"" + text + "\"");
            }
            host = s.substring(1, close);
            if (host.indexOf(':') < 0) {
                throw new IllegalArgumentException("brackets are only for IPv6 literals: \"" + text + "\"");
            }
            String rest = s.substring(close + 1);
            if (rest.isEmpty()) {
                portText = null;
            } else if (rest.startsWith(":")) {
                portText = rest.substring(1);
            } else {
                throw new IllegalArgumentException("unexpected text after ']' in \"" + text + "\"");
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                host = s;
                portText = null;
            } else if (s.indexOf(':') != colon) {
                throw new IllegalArgumentException("IPv6 literals need brackets, as in [::1]:80: \"" + text + "\"");
            } else {
                host = s.substring(0, colon);
                portText = s.substring(colon + 1);
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("missing host in \"" + text + "\"");
        }
        int port;
        if (portText == null) {
            if (defaultPort < 1) {
                throw new IllegalArgumentException("missing port in \"" + text + "\"");
            }
            port = defaultPort;
        } else {
            port = parsePort(portText, text);
        }
        return new HostPort(host, port);
    }

    private static int parsePort(String portText, String text) {
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("invalid port in \"" + text + "\"");
        }
        int port = Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range 1..65535 in \"" + text + "\"");
        }
        return port;
    }

    /** {@code host:port}, with brackets around an IPv6 literal so that the result parses back. */
    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
