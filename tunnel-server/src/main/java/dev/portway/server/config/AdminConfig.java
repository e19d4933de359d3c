package dev.portway.server.config;

/**
 * The operator's HTTP listener: {@code GET /metrics} for Prometheus and {@code GET /healthz} now, the REST admin
 * API later. It binds to loopback by default because nothing on it is meant for the public.
 *
 * @param enabled false: no listener at all, and no meters are kept
 * @param bind address to bind to
 * @param port 0 picks an ephemeral port (tests)
 */
public record AdminConfig(boolean enabled, String bind, int port) {

    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 7500;
    public static final AdminConfig DEFAULTS = new AdminConfig(true, DEFAULT_BIND, DEFAULT_PORT);
    public static final AdminConfig DISABLED = new AdminConfig(false, DEFAULT_BIND, DEFAULT_PORT);

    public AdminConfig {
        if (bind == null) {
            throw new IllegalArgumentException("admin.bind is required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("admin.port out of range: " + port);
        }
    }

    /** Enabled on {@code bind} and an ephemeral port. */
    public static AdminConfig ephemeral(String bind) {
        return new AdminConfig(true, bind, 0);
    }
}
