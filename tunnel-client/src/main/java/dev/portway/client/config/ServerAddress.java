package dev.portway.client.config;

import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.transport.WebSocketCarrier;

import java.util.Locale;
import java.util.Objects;

/**
 * One address of the tunnel server as client.yaml's {@code server} writes it: {@code host[:port]} (or
 * {@code tls://host[:port]}) for the control port, {@code wss://host[:port][/path]} for the WebSocket transport on
 * the server's HTTPS port, which passes where only HTTPS gets out.
 *
 * @param path the WebSocket upgrade's path; null for the direct transport
 */
public record ServerAddress(Kind kind, HostPort address, String path) {
    public static final int DEFAULT_WSS_PORT = 443;

    public enum Kind {
        /** TLS straight to the control port. */
        TLS,
        /** TLS to the HTTPS port, then an upgrade to a WebSocket that carries the same frames. */
        WEBSOCKET
    }

    public ServerAddress {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(address, "address");
        if ((kind == Kind.WEBSOCKET) != (path != null)) {
            throw new IllegalArgumentException("a path belongs to WebSocket addresses only");
        }
    }

    public static ServerAddress direct(HostPort address) {
        return new ServerAddress(Kind.TLS, address, null);
    }

    /**
     * @param defaultPort the control port, for a {@code host} or {@code tls://host} without one
     * @throws IllegalArgumentException with what was expected
     */
    public static ServerAddress parse(String text, int defaultPort) {
        String s = text.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("wss://")) {
            String rest = s.substring("wss://".length());
            int slash = rest.indexOf('/');
            String authority = slash < 0 ? rest : rest.substring(0, slash);
            String path = slash < 0 ? WebSocketCarrier.DEFAULT_PATH : rest.substring(slash);
            if (!WebSocketCarrier.isUpgradePath(path)) {
                throw new IllegalArgumentException("the path of \"" + text + "\" may hold no spaces, query or fragment");
            }
            return new ServerAddress(Kind.WEBSOCKET, HostPort.parse(authority, DEFAULT_WSS_PORT), path);
        }
        if (lower.startsWith("tls://")) {
            return direct(HostPort.parse(s.substring("tls://".length()), defaultPort));
        }
        if (lower.contains("://")) {
            throw new IllegalArgumentException("unknown scheme in \"" + text + "\"");
        }
        return direct(HostPort.parse(s, defaultPort));
    }

    public String host() {
        return address.host();
    }

    public int port() {
        return address.port();
    }

    /** The address as written in client.yaml, with the scheme that selects the transport. */
    @Override
    public String toString() {
        return kind == Kind.TLS ? address.toString() : "wss://" + address + path;
    }
}
