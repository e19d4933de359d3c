package dev.portway.client.config;

import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.GroupOptions;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.IpRules;
import dev.portway.protocol.control.TunnelNames;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;

import java.util.Objects;

/**
 * One tunnel from {@code client.yaml}: public traffic on the server's {@code remotePort} is carried to
 * {@code local}, which is the only address this tunnel ever dials.
 *
 * @param remotePort 0 lets the server pick a port from its allowed ranges
 * @param http       host names, paths and rewriting of an http tunnel; null for other types
 * @param group      the load-balancing group the tunnel joins; null when it serves alone
 * @param healthCheck how the client checks {@code local}; null: never checked, always registered
 * @param proxyProtocol the PROXY header written to the local service before each relayed connection (tcp tunnels);
 *                      null writes none
 * @param ipRules    which public peers the server lets reach the tunnel ({@code ipAllow}, {@code ipDeny}); null: all
 * @param bandwidthLimit bytes per second in each direction, shared by all the tunnel's connections and enforced by
 *                       this client; 0: none
 * @param maxConnections public connections the server lets the tunnel carry at once; 0: no limit of its own
 * @param backendProtocol what the client speaks to {@code local} (http tunnels); null means {@link BackendProtocol#HTTP1}
 * @param backendTls how the local service's certificate is verified with {@link BackendProtocol#H2}; null otherwise
 */
public record TunnelConfig(String name, TunnelType type, HostPort local, int remotePort, HttpOptions http,
                           GroupOptions group, HealthCheckConfig healthCheck, ProxyProtocolVersion proxyProtocol,
                           IpRules ipRules, long bandwidthLimit, int maxConnections, BackendProtocol backendProtocol,
                           ClientTlsConfig backendTls) {

    public static final int DEFAULT_REMOTE_PORT = 0;

    public TunnelConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(local, "local");
        if (!TunnelNames.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid tunnel name: " + name);
        }
        if (bandwidthLimit < 0) {
            throw new IllegalArgumentException("bandwidthLimit below 0: " + bandwidthLimit);
        }
        if (remotePort < 0 || remotePort > 65535) {
            throw new IllegalArgumentException("remotePort out of range: " + remotePort);
        }
        if (backendProtocol == null) {
            backendProtocol = BackendProtocol.HTTP1;
        }
        if ((backendProtocol == BackendProtocol.H2) != (backendTls != null)) {
            throw new IllegalArgumentException("backendTls goes with backendProtocol h2, and only with it");
        }
        if (backendProtocol.http2() && type != TunnelType.HTTP) {
            throw new IllegalArgumentException("backendProtocol " + backendProtocol.configName()
                    + " is for http tunnels");
        }
    }

    public TunnelConfig(String name, TunnelType type, HostPort local, int remotePort, HttpOptions http,
                        GroupOptions group, HealthCheckConfig healthCheck, ProxyProtocolVersion proxyProtocol,
                        IpRules ipRules, long bandwidthLimit, int maxConnections) {
        this(name, type, local, remotePort, http, group, healthCheck, proxyProtocol, ipRules, bandwidthLimit,
                maxConnections, null, null);
    }

    public TunnelConfig(String name, TunnelType type, HostPort local, int remotePort, HttpOptions http,
                        GroupOptions group, HealthCheckConfig healthCheck, ProxyProtocolVersion proxyProtocol) {
        this(name, type, local, remotePort, http, group, healthCheck, proxyProtocol, null, 0, 0);
    }

    public TunnelConfig(String name, TunnelType type, HostPort local, int remotePort, HttpOptions http,
                        GroupOptions group, HealthCheckConfig healthCheck, ProxyProtocolVersion proxyProtocol,
                        IpRules ipRules) {
        this(name, type, local, remotePort, http, group, healthCheck, proxyProtocol, ipRules, 0, 0);
    }

    public TunnelConfig(String name, TunnelType type, HostPort local, int remotePort) {
        this(name, type, local, remotePort, null, null, null, null);
    }

    public TunnelConfig(String name, TunnelType type, HostPort local, int remotePort, HttpOptions http,
                        GroupOptions group) {
        this(name, type, local, remotePort, http, group, null, null);
    }

    public TunnelConfig withProxyProtocol(ProxyProtocolVersion version) {
        return new TunnelConfig(name, type, local, remotePort, http, group, healthCheck, version, ipRules,
                bandwidthLimit, maxConnections, backendProtocol, backendTls);
    }

    public TunnelConfig withBandwidthLimit(long bytesPerSecond) {
        return new TunnelConfig(name, type, local, remotePort, http, group, healthCheck, proxyProtocol, ipRules,
                bytesPerSecond, maxConnections, backendProtocol, backendTls);
    }

    public TunnelConfig withMaxConnections(int max) {
        return new TunnelConfig(name, type, local, remotePort, http, group, healthCheck, proxyProtocol, ipRules,
                bandwidthLimit, max, backendProtocol, backendTls);
    }

    /** @param tls required with {@link BackendProtocol#H2}, null otherwise */
    public TunnelConfig withBackend(BackendProtocol protocol, ClientTlsConfig tls) {
        return new TunnelConfig(name, type, local, remotePort, http, group, healthCheck, proxyProtocol, ipRules,
                bandwidthLimit, maxConnections, protocol, tls);
    }

    /** The tunnel as the server is asked for it; the local target stays on this host. */
    public TunnelSpec spec() {
        return new TunnelSpec(name, type, remotePort, null, http, group, ipRules, maxConnections, bandwidthLimit);
    }

    public static TunnelConfig tcp(String name, HostPort local, int remotePort) {
        return new TunnelConfig(name, TunnelType.TCP, local, remotePort);
    }
}
