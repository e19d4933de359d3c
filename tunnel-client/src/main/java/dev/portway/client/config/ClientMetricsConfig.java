package dev.portway.client.config;

/**
 * The client's own {@code /metrics} endpoint, on loopback only: the client host's Prometheus or node agent scrapes
 * it, nobody else should.
 *
 * @param port 0 picks a free port (tests)
 */
public record ClientMetricsConfig(int port) {
    public static final String BIND = "127.0.0.1";

    public ClientMetricsConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("metrics.port out of range: " + port);
        }
    }
}
