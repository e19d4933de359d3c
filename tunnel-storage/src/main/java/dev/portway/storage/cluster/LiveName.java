package dev.portway.storage.cluster;

import java.util.Locale;

/**
 * A public name one tunnel holds while its client is connected: a tcp or udp port, or an http host with a location
 * ({@code app.example.com/api}); two tunnels with different locations on one host do not collide.
 */
public record LiveName(Kind kind, String name) {
    public enum Kind {
        TCP, UDP, HOST;

        String column() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static LiveName port(Kind kind, int port) {
        return new LiveName(kind, Integer.toString(port));
    }

    public static LiveName host(String host, String location) {
        return new LiveName(Kind.HOST, host.toLowerCase(Locale.ROOT) + (location == null ? "/" : location));
    }

    /** As a client reads it in a refusal: {@code port 5000}, {@code host app.example.com/}. */
    public String describe() {
        return (kind == Kind.HOST ? "host " : kind.column() + " port ") + name;
    }
}
