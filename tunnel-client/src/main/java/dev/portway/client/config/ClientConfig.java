package dev.portway.client.config;

import dev.portway.protocol.config.HostPort;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@code client.yaml} says, validated by {@link ClientConfigLoader}. The defaults below are the only
 * place where the client's defaults are written down.
 *
 * @param servers the tunnel server's addresses, tried in order until one answers; {@link #DEFAULT_SERVER_PORT}
 *                when the file names only a host
 * @param proxy what the client dials the server through; null: directly
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
 * @param inspect the request inspector of http tunnels; null: off, nothing is recorded
 */
public record ClientConfig(
        List<ServerAddress> servers,
        ProxyConfig proxy,
        String token,
        String clientId,
        ClientTlsConfig tls,
        List<TunnelConfig> tunnels,
        ReconnectConfig reconnect,
        Duration dialTimeout,
        Duration keepAliveInterval,
        int keepAliveMissed,
        ClientMetricsConfig metrics,
        List<HostPort> allowTargets,
        InspectConfig inspect) {

    public static final int DEFAULT_SERVER_PORT = 7000;
    public static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_KEEP_ALIVE_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_KEEP_ALIVE_MISSED = 3;

    public ClientConfig {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("at least one server address is needed");
        }
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
        return new ClientConfig(List.of(ServerAddress.direct(server)), null, token, null, tls, tunnels, ReconnectConfig.DEFAULTS, DEFAULT_DIAL_TIMEOUT,
                DEFAULT_KEEP_ALIVE_INTERVAL, DEFAULT_KEEP_ALIVE_MISSED, null, List.of(), null);
    }

    public ClientConfig withMetrics(ClientMetricsConfig newMetrics) {
        return new ClientConfig(servers, proxy, token, clientId, tls, tunnels, reconnect, dialTimeout, keepAliveInterval,
                keepAliveMissed, newMetrics, allowTargets, inspect);
    }

    public ClientConfig withAllowTargets(List<HostPort> targets) {
        return new ClientConfig(servers, proxy, token, clientId, tls, tunnels, reconnect, dialTimeout, keepAliveInterval,
                keepAliveMissed, metrics, targets, inspect);
    }

    public ClientConfig withServers(List<ServerAddress> newServers, ProxyConfig newProxy) {
        return new ClientConfig(newServers, newProxy, token, clientId, tls, tunnels, reconnect, dialTimeout,
                keepAliveInterval, keepAliveMissed, metrics, allowTargets, inspect);
    }

    public ClientConfig withInspect(InspectConfig newInspect) {
        return new ClientConfig(servers, proxy, token, clientId, tls, tunnels, reconnect, dialTimeout, keepAliveInterval,
                keepAliveMissed, metrics, allowTargets, newInspect);
    }

    /** The first address of the list. */
    public ServerAddress server() {
        return servers.get(0);
    }

    /** Keeps the token out of logs and exception messages that print the whole config. */
    @Override
    public String toString() {
        return "ClientConfig[servers=" + servers + ", proxy=" + proxy + ", token=" + dev.portway.protocol.control.Tokens.redact(token)
                + ", clientId=" + clientId + ", tls=" + tls + ", tunnels=" + tunnels + ", reconnect=" + reconnect
                + ", dialTimeout=" + dialTimeout + ", keepAliveInterval=" + keepAliveInterval
                + ", keepAliveMissed=" + keepAliveMissed + ", metrics=" + metrics + ", allowTargets=" + allowTargets + ", inspect=" + inspect + "]";
    }
}
