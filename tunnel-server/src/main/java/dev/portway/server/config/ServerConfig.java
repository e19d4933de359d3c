package dev.portway.server.config;

import dev.portway.protocol.config.PortRanges;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything {@code server.yaml} says, validated by {@link ServerConfigLoader}; {@link #defaults()} is the server
 * run without a file. The constants below are the only place where the server's defaults are written down.
 *
 * @param bind address the control and public listeners bind to
 * @param controlPort port of the TLS control listener; 0 picks an ephemeral port (tests)
 * @param allowPorts ports clients may ask for as a tunnel's remote port
 * @param dataDir generated certificate and other state; relative to the file's directory, or to the working
 *                directory when there is no file
 * @param tls certificate files; both null means a self-signed certificate is generated under {@code dataDir}
 * @param auth accepted client tokens
 * @param handshakeTimeout TLS handshake plus HELLO/AUTH must finish within this
 * @param keepAliveInterval how often a PING is sent on the control stream
 * @param keepAliveMissed intervals without an answer after which a client is considered gone
 * @param shutdownGrace how long open streams may drain on shutdown
 * @param publicHost host name shown to clients for their tunnels; null means the client shows the host it dialed
 * @param admin the operator's HTTP listener (metrics, health); null means {@link AdminConfig#DEFAULTS}
 * @param database users, tokens and the admin API; null means {@link DatabaseSettings#EMBEDDED}
 * @param http the public web listeners; null means {@link HttpConfig#DEFAULTS}
 * @param udp UDP tunnels; null means {@link UdpConfig#DEFAULTS}
 * @param proxyProtocol PROXY protocol on the public listeners; null means {@link ProxyProtocolConfig#NONE}
 * @param alerts the server's own alerting; null means {@link AlertsConfig#DEFAULTS}
 * @param limits per-address and per-user ceilings; null means {@link LimitsConfig#DEFAULTS}
 * @param domainProof whether custom domains must be proven before use; null means {@link DomainProofConfig#DEFAULTS}
 * @param access server-wide address rules; null means {@link AccessConfig#NONE}
 * @param quotas how plans' traffic allowances are counted; null means {@link QuotasConfig#DEFAULTS}
 * @param accessLog the public HTTP listeners' access log file; null means {@link AccessLogConfig#DEFAULTS}
 * @param cluster this node's part in a cluster of nodes on one database; null means a single node
 */
public record ServerConfig(
        String bind,
        int controlPort,
        PortRanges allowPorts,
        Path dataDir,
        ServerTlsConfig tls,
        AuthConfig auth,
        Duration handshakeTimeout,
        Duration keepAliveInterval,
        int keepAliveMissed,
        Duration shutdownGrace,
        String publicHost,
        AdminConfig admin,
        DatabaseSettings database,
        HttpConfig http,
        UdpConfig udp,
        ProxyProtocolConfig proxyProtocol,
        AlertsConfig alerts,
        LimitsConfig limits,
        DomainProofConfig domainProof,
        AccessConfig access,
        QuotasConfig quotas,
        AccessLogConfig accessLog,
        ClusterConfig cluster) {

    public static final String DEFAULT_BIND = "0.0.0.0";
    public static final int DEFAULT_CONTROL_PORT = 7000;
    public static final PortRanges DEFAULT_ALLOW_PORTS = PortRanges.of(1025, 65535);
    public static final Path DEFAULT_DATA_DIR = Path.of("data");
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_KEEP_ALIVE_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_KEEP_ALIVE_MISSED = 3;
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

    public ServerConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(allowPorts, "allowPorts");
        Objects.requireNonNull(dataDir, "dataDir");
        tls = tls == null ? ServerTlsConfig.NONE : tls;
        auth = auth == null ? AuthConfig.NONE : auth;
        admin = admin == null ? AdminConfig.DEFAULTS : admin;
        database = database == null ? DatabaseSettings.EMBEDDED : database;
        http = http == null ? HttpConfig.DEFAULTS : http;
        udp = udp == null ? UdpConfig.DEFAULTS : udp;
        proxyProtocol = proxyProtocol == null ? ProxyProtocolConfig.NONE : proxyProtocol;
        alerts = alerts == null ? AlertsConfig.DEFAULTS : alerts;
        limits = limits == null ? LimitsConfig.DEFAULTS : limits;
        domainProof = domainProof == null ? DomainProofConfig.DEFAULTS : domainProof;
        access = access == null ? AccessConfig.NONE : access;
        quotas = quotas == null ? QuotasConfig.DEFAULTS : quotas;
        accessLog = accessLog == null ? AccessLogConfig.DEFAULTS : accessLog;
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (controlPort < 0 || controlPort > 65535) {
            throw new IllegalArgumentException("controlPort out of range: " + controlPort);
        }
        if (keepAliveMissed < 1) {
            throw new IllegalArgumentException("keepAliveMissed must be at least 1: " + keepAliveMissed);
        }
    }

    /** The server with no configuration file; {@code dataDir} is {@code ./data} in the working directory. */
    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_BIND, DEFAULT_CONTROL_PORT, DEFAULT_ALLOW_PORTS, DEFAULT_DATA_DIR,
                ServerTlsConfig.NONE, AuthConfig.NONE, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_KEEP_ALIVE_INTERVAL,
                DEFAULT_KEEP_ALIVE_MISSED, DEFAULT_SHUTDOWN_GRACE, null, AdminConfig.DEFAULTS,
                DatabaseSettings.EMBEDDED, HttpConfig.DEFAULTS, UdpConfig.DEFAULTS, ProxyProtocolConfig.NONE,
                AlertsConfig.DEFAULTS, LimitsConfig.DEFAULTS, DomainProofConfig.DEFAULTS,
                AccessConfig.NONE, QuotasConfig.DEFAULTS, AccessLogConfig.DEFAULTS, null);
    }

    public ServerConfig withDataDir(Path dir) {
        return copy(c -> c.dataDir = dir);
    }

    public ServerConfig withTls(ServerTlsConfig newTls) {
        return copy(c -> c.tls = newTls);
    }

    public ServerConfig withAuth(AuthConfig newAuth) {
        return copy(c -> c.auth = newAuth);
    }

    public ServerConfig withAdmin(AdminConfig newAdmin) {
        return copy(c -> c.admin = newAdmin);
    }

    public ServerConfig withDatabase(DatabaseSettings newDatabase) {
        return copy(c -> c.database = newDatabase);
    }

    public ServerConfig withHttp(HttpConfig newHttp) {
        return copy(c -> c.http = newHttp);
    }

    public ServerConfig withUdp(UdpConfig newUdp) {
        return copy(c -> c.udp = newUdp);
    }

    public ServerConfig withProxyProtocol(ProxyProtocolConfig newProxyProtocol) {
        return copy(c -> c.proxyProtocol = newProxyProtocol);
    }

    public ServerConfig withAlerts(AlertsConfig newAlerts) {
        return copy(c -> c.alerts = newAlerts);
    }

    public ServerConfig withLimits(LimitsConfig newLimits) {
        return copy(c -> c.limits = newLimits);
    }

    public ServerConfig withDomainProof(DomainProofConfig newDomainProof) {
        return copy(c -> c.domainProof = newDomainProof);
    }

    public ServerConfig withAccess(AccessConfig newAccess) {
        return copy(c -> c.access = newAccess);
    }

    public ServerConfig withQuotas(QuotasConfig newQuotas) {
        return copy(c -> c.quotas = newQuotas);
    }

    public ServerConfig withAccessLog(AccessLogConfig newAccessLog) {
        return copy(c -> c.accessLog = newAccessLog);
    }

    public ServerConfig withCluster(ClusterConfig newCluster) {
        return copy(c -> c.cluster = newCluster);
    }

    /** The one place that calls the canonical constructor for a copy, so it still validates and fills defaults. */
    private ServerConfig copy(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return copy.build();
    }

    /** This record's components as mutable fields, changed by one {@code withX} method before {@link #build()}. */
    private static final class Copy {
        private String bind;
        private int controlPort;
        private PortRanges allowPorts;
        private Path dataDir;
        private ServerTlsConfig tls;
        private AuthConfig auth;
        private Duration handshakeTimeout;
        private Duration keepAliveInterval;
        private int keepAliveMissed;
        private Duration shutdownGrace;
        private String publicHost;
        private AdminConfig admin;
        private DatabaseSettings database;
        private HttpConfig http;
        private UdpConfig udp;
        private ProxyProtocolConfig proxyProtocol;
        private AlertsConfig alerts;
        private LimitsConfig limits;
        private DomainProofConfig domainProof;
        private AccessConfig access;
        private QuotasConfig quotas;
        private AccessLogConfig accessLog;
        private ClusterConfig cluster;

        private Copy(ServerConfig from) {
            bind = from.bind;
            controlPort = from.controlPort;
            allowPorts = from.allowPorts;
            dataDir = from.dataDir;
            tls = from.tls;
            auth = from.auth;
            handshakeTimeout = from.handshakeTimeout;
            keepAliveInterval = from.keepAliveInterval;
            keepAliveMissed = from.keepAliveMissed;
            shutdownGrace = from.shutdownGrace;
            publicHost = from.publicHost;
            admin = from.admin;
            database = from.database;
            http = from.http;
            udp = from.udp;
            proxyProtocol = from.proxyProtocol;
            alerts = from.alerts;
            limits = from.limits;
            domainProof = from.domainProof;
            access = from.access;
            quotas = from.quotas;
            accessLog = from.accessLog;
            cluster = from.cluster;
        }

        private ServerConfig build() {
            return new ServerConfig(bind, controlPort, allowPorts, dataDir, tls, auth, handshakeTimeout,
                    keepAliveInterval, keepAliveMissed, shutdownGrace, publicHost, admin, database, http, udp,
                    proxyProtocol, alerts, limits, domainProof, access, quotas, accessLog, cluster);
        }
    }
}
