package dev.portway.client.config;

import dev.portway.protocol.config.HostPort;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@code client.yaml} says, validated by {@link ClientConfigLoader}. The defaults below are the only
 * place where the client's defaults are written down.
 *
 * @param server the tunnel server to dial; {@link #DEFAULT_SERVER_PORT} when the file names only a host
 * @param token the client's secret; never logged beyond {@link dev.portway.protocol.control.Tokens#redact}
 * @param clientId stable id shown in the server's logs; null means one is generated per process
 * @param tls how the server's certificate is verified
 * @param tunnels what the client registers itself; none for a client that serves only pushed tunnels
 * @param reconnect backoff between reconnect attempts
 * @param dialTimeout TCP connect plus TLS handshake
 * @param keepAliveInterval how often a PING is sent on the control stream
 * @param keepAliveMissed intervals without an answer after which the connection is considered dead
 * @param metrics the client's own metrics endpoint; null: none, and no meters are kept
 * @param allowTargets the only local targets a tunnel pushed by the server may reach; empty: every push is ignored,
 *                     so an operator (or a compromised server) can never make this client dial anything it did not list
 */
public record ClientConfig(
        HostPort server,
        String token,
        String clientId,
        ClientTlsConfig tls,
        List<TunnelConfig> tunnels,
        ReconnectConfig reconnect,
        Duration dialTimeout,
        Duration keepAliveInterval,
        int keepAliveMissed,
        ClientMetricsConfig metrics,
        List<HostPort> allowTargets) {

    public static final int DEFAULT_SERVER_PORT = 7000;
    public static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_KEEP_ALIVE_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_KEEP_ALIVE_MISSED = 3;

    public ClientConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(tls, "tls");
        tunnels = List.copyOf(tunnels);
        allowTargets = allowTargets == null ? List.of() : List.copyOf(allowTargets);
        reconnect = reconnect == null ? ReconnectConfig.DEFAULTS : reconnect;
        dialTimeout = dialTimeout == null ? DEFAULT_DIAL_TIMEOUT : dialTimeout;
        keepAliveInterval = keepAliveInterval == null ? DEFAULT_KEEP_ALIVE_INTERVAL : keepAliveInterval;
        if (keepAliveMissed < 1) {
            throw new IllegalArgumentException("keepAliveMissed must be at least 1: " + keepAliveMissed);
        }
    }

    /** A config with every optional setting at its default; handy for tests and embedding. */
    public static ClientConfig of(HostPort server, String token, ClientTlsConfig tls, List<TunnelConfig> tunnels) {
        return new ClientConfig(server, token, null, tls, tunnels, ReconnectConfig.DEFAULTS, DEFAULT_DIAL_TIMEOUT,
                DEFAULT_KEEP_ALIVE_INTERVAL, DEFAULT_KEEP_ALIVE_MISSED, null, List.of());
    }

    public ClientConfig withMetrics(ClientMetricsConfig newMetrics) {
        return new ClientConfig(server, token, clientId, tls, tunnels, reconnect, dialTimeout, keepAliveInterval,
                keepAliveMissed, newMetrics, allowTargets);
    }

    public ClientConfig withAllowTargets(List<HostPort> targets) {
        return new ClientConfig(server, token, clientId, tls, tunnels, reconnect, dialTimeout, keepAliveInterval,
                keepAliveMissed, metrics, targets);
    }

    /** Keeps the token out of logs and exception messages that print the whole config. */
    @Override
    public String toString() {
        return "ClientConfig[server=" + server + ", token=" + dev.portway.protocol.control.Tokens.redact(token)
                + ", clientId=" + clientId + ", tls=" + tls + ", tunnels=" + tunnels + ", reconnect=" + reconnect
                + ", dialTimeout=" + dialTimeout + ", keepAliveInterval=" + keepAliveInterval
                + ", keepAliveMissed=" + keepAliveMissed + ", metrics=" + metrics + ", allowTargets=" + allowTargets + "]";
    }
}
