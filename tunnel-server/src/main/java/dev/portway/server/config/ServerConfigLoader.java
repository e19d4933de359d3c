package dev.portway.server.config;

import dev.portway.protocol.config.ConfigException;
import dev.portway.protocol.config.ConfigObject;
import dev.portway.protocol.config.ConfigReader;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.config.PortRanges;
import dev.portway.server.https.CertificateChecks;
import dev.portway.protocol.control.HostPatterns;
import dev.portway.protocol.transport.UdpSocketBuffers;
import dev.portway.protocol.transport.WebSocketCarrier;
import dev.portway.server.proxyprotocol.TrustedProxies;
import dev.portway.server.tls.ServerCertificate;
import dev.portway.storage.db.DatabaseConfig;
import dev.portway.storage.usage.UsagePeriods;
import io.netty.util.NetUtil;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates {@code server.yaml}: the one place where the server's file format is checked. Every problem
 * is collected and reported together.
 *
 * <pre>
 * bind: 0.0.0.0
 * controlPort: 7000
 * allowPorts: 1025-65535
 * dataDir: data                # relative to this file
 * tls: {cert: server.crt, key: server.key}   # both or neither
 * auth:
 *   tokens:                    # each at least 16 characters, each its own user
 *     - &lt;token&gt;                # user static:1 (its position in the list)
 *     - {name: ci-runner, token: &lt;token&gt;}   # user static:ci-runner
 * handshakeTimeout: 10s
 * keepAliveInterval: 10s
 * keepAliveMissed: 3
 * shutdownGrace: 10s
 * publicHost: tunnel.example.com
 * admin: {enabled: true, bind: 127.0.0.1, port: 7500}   # GET /metrics, GET /healthz, the REST API
 * database:                    # absent or without url: embedded PostgreSQL under dataDir
 *   enabled: true              # false: auth.tokens only, no REST API
 *   url: jdbc:postgresql://db:5432/portway
 *   user: portway
 *   password: ...              # never echoed in problems or logs
 *   maxPoolSize: 10
 * udp: {idleTimeout: 60s, maxDatagram: 65507}   # flows idle this long are removed; larger datagrams dropped
 *   # also receiveBuffer, sendBuffer: 4194304 (bytes of SO_RCVBUF/SO_SNDBUF of each public UDP socket; 0: the kernel's)
 * proxyProtocol:
 *   trustedCidrs: [10.0.0.0/8]   # these must send a PROXY v1/v2 header on public listeners; others may not
 * alerts:                      # the rules of deploy/prometheus/alerts.yaml, evaluated by the server itself
 *   enabled: true
 *   interval: 15s
 *   lookback: 1h               # offline / down: seen within this long, gone now
 *   window: 5m                 # HTTP latency and error rate are measured over this
 *   clientOffline: {enabled: true, for: 2m}
 *   tunnelDown: {enabled: true, for: 2m}
 *   httpLatency: {enabled: true, for: 2m, threshold: 1s}
 *   httpErrorRate: {enabled: true, for: 1m, threshold: 0.05}
 *   quotaNearlyUsed: {enabled: true, for: 0s}
 *   webhooks: [{url: https://hooks.example.com/portway}]
 *   telegram: {token: ..., chatId: "-100123", baseUrl: https://api.telegram.org}   # token never echoed
 *   delivery: {attempts: 5, backoff: 1s}
 * domain: tunnel.example.com  # http tunnels' subdomains are served under it
 * http:
 *   port: 80                   # 0: no plain HTTP listener
 *   maxHeaderSize: 32768       # bytes; larger header blocks are answered 431
 *   requestHeaderTimeout: 30s  # 408 when a request's headers take longer
 *   idleTimeout: 60s           # keep-alive connections idle this long are closed
 *   responseTimeout: 60s       # 504 when the local service takes longer to start its answer
 *   bodyIdleTimeout: 60s       # 408 (or close) when no byte of a request body came for this long
 *   errorPages: {404: 404.html, 502: 502.html}   # replace the built-in pages (400 401 404 408 431 502 503 504)
 *   http2:                     # ALPN h2 is always offered on terminated HTTPS; see docs/http2.md
 *     cleartext: false         # true: the plain port also takes HTTP/2 with prior knowledge (h2c)
 *     maxConcurrentStreams: 100
 *     initialWindowSize: 262144  # bytes a peer may send on one stream ahead of the tunnel
 *     maxResets: 200           # streams reset by the peer within resetWindow before GOAWAY (rapid reset)
 *     resetWindow: 30s
 *     maxQueuedControlFrames: 10000  # unread answers to SETTINGS/PING/RST_STREAM before the connection is closed
 * limits:                      # per address and per user; see docs/security.md
 *   connectionsPerSource: 1024
 *   handshakesPerSource: 32
 *   sessionsPerUser: 256
 *   tunnelsPerUser: 1024
 *   streamsPerUser: 65536      # public TCP connections and HTTP request streams open at once
 *   udpFlowsPerUser: 65536
 * quotas:                      # plans (in the database) and how their traffic allowances are counted
 *   period: calendar           # or subscription: each month from the day the user got its plan
 *   timeZone: UTC              # where a calendar month (or a subscription day) starts
 *   checkInterval: 2s          # how often connected users' usage is read
 *   retryAfter: 1m             # a client refused for its plan asks again this soon (a plan change lets it in)
 * accessLog:                   # one line per public HTTP request; rolls over by size, oldest deleted
 *   path: data/logs/access.log # default: logs/access.log under dataDir; relative: to this file, like every path here
 *   maxFileSize: 100MB
 *   maxFiles: 10               # the file plus rolled ones (access.log.1, .2, ...): at most 1GB on disk
 * cluster:                     # several nodes on one external PostgreSQL (database.url); see docs/cluster.md
 *   nodeName: node-a           # unique per node
 *   advertise: 10.0.0.1:7001   # where other nodes reach this one
 *   secret: ...                # the same on every node, at least 16 characters; never echoed
 *   heartbeat: 2s
 *   deadAfter: 10s             # no heartbeat this long: the node is dead, its clients' ports and hosts are freed
 * https:
 *   port: 443                  # 0: no https listener; unset: 443 with certificates, none without
 *   certificates:              # for tunnels with https: terminate; key must match cert, cert must cover domains
 *     - {domains: [app.example.org, "*.example.org"], cert: example.crt, key: example.key}
 *   acme:                      # certificates from an ACME CA; see docs/certificates.md
 *     directory: letsencrypt   # or letsencrypt-staging, or the directory's URL
 *     email: ops@example.org
 *     agreeTerms: true         # required: the CA's terms of service
 *     domains: [www.example.org]
 *     challenges: [http-01, tls-alpn-01]
 *     eab: {keyId: ..., hmacKey: ...}   # External Account Binding; hmacKey never echoed
 *     trustedCa: acme-ca.pem   # the ACME server's TLS is signed by this CA (private CAs)
 *     storageKey: acme.key     # AES key of private keys at rest; default acme/storage.key under dataDir
 *     dnsHook: bin/dns-hook    # dns-01: run as `dns-hook set|remove <record name> <value>`; allows *.domain
 *     checkInterval: 1h        # how often certificates are checked for renewal
 *     onDemand: false          # true: http tunnels' custom domains get certificates when they register
 *     probePort: 80            # where a custom domain is probed before its order (the CA's http-01 port)
 * </pre>
 */
public final class ServerConfigLoader {
    private static final String POSTGRES_URL_PREFIX = "jdbc:postgresql://";
    /** PostgreSQL's own default max_connections is 100; a pool larger than that cannot be filled. */
    private static final int MAX_POOL_SIZE = 100;
    private static final Duration MIN_DURATION = Duration.ofMillis(1);
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,63}");
    /** The secret will authenticate node-to-node links: as long as a client token at least. */
    private static final int MIN_CLUSTER_SECRET = 16;
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration MAX_UDP_IDLE = Duration.ofHours(24);
    private static final int MAX_HTTP_HEADER_SIZE = 1024 * 1024;
    /** Each open stream may hold a window of request bytes and a tunnel stream: a bound on what one peer holds. */
    private static final int MAX_HTTP2_STREAMS = 10_000;
    /** The answers the server gives itself on the public web ports, whose pages an operator may replace. */
    /** Address lists longer than this belong in a firewall; each connection is checked against them. */
    private static final int MAX_NETWORKS = 1024;
    private static final List<String> ERROR_PAGE_STATUSES = List.of("400", "401", "403", "404", "408", "429", "431",
            "502", "504");
    private static final Pattern HOST_NAME =
            Pattern.compile("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    private ServerConfigLoader() {
    }

    public static ServerConfig load(Path file) throws ConfigException {
        ConfigReader reader = ConfigReader.read(file);
        ServerConfig config = read(reader);
        reader.throwIfProblems();
        return config;
    }

    /** Returns null when the reader has collected problems; the caller throws them. */
    static ServerConfig read(ConfigReader reader) {
        ConfigObject root = reader.root("bind", "controlPort", "allowPorts", "dataDir", "tls", "auth",
                "handshakeTimeout", "keepAliveInterval", "keepAliveMissed", "shutdownGrace", "publicHost", "admin", "database",
                "domain", "http", "https", "udp", "proxyProtocol", "alerts", "limits",
                "domainProof", "access", "quotas", "accessLog", "cluster");

        String bind = readBind(root, ServerConfig.DEFAULT_BIND);
        int controlPort = root.integer("controlPort", ServerConfig.DEFAULT_CONTROL_PORT, 0, 65535);
        PortRanges allowPorts = root.portRanges("allowPorts", ServerConfig.DEFAULT_ALLOW_PORTS);
        Path dataDir = root.has("dataDir") ? root.path("dataDir") : reader.baseDir().resolve(ServerConfig.DEFAULT_DATA_DIR);
        ServerTlsConfig tls = readTls(root);
        AuthConfig auth = readAuth(root);
        Duration handshakeTimeout = root.duration("handshakeTimeout", ServerConfig.DEFAULT_HANDSHAKE_TIMEOUT,
                MIN_DURATION, MAX_TIMEOUT);
        Duration keepAliveInterval = root.duration("keepAliveInterval", ServerConfig.DEFAULT_KEEP_ALIVE_INTERVAL,
                MIN_DURATION, MAX_TIMEOUT);
        int keepAliveMissed = root.integer("keepAliveMissed", ServerConfig.DEFAULT_KEEP_ALIVE_MISSED, 1, 100);
        Duration shutdownGrace = root.duration("shutdownGrace", ServerConfig.DEFAULT_SHUTDOWN_GRACE, Duration.ZERO,
                MAX_TIMEOUT);
        String publicHost = root.string("publicHost");
        if (publicHost != null && !HOST_NAME.matcher(publicHost).matches()
                && !NetUtil.isValidIpV4Address(publicHost) && !NetUtil.isValidIpV6Address(publicHost)) {
            root.invalid("publicHost", "expected a host name or IP address without a port");
        }
        AdminConfig admin = readAdmin(root);
        DatabaseSettings database = readDatabase(root);
        UdpConfig udp = readUdp(root);
        ProxyProtocolConfig proxyProtocol = readProxyProtocol(root);
        AlertsConfig alerts = readAlerts(root);
        LimitsConfig limits = readLimits(root);
        DomainProofConfig domainProof = readDomainProof(root);
        AccessConfig access = readAccess(root);
        QuotasConfig quotas = readQuotas(root);
        HttpConfig http = readHttps(root, readHttp(root));
        AccessLogConfig accessLog = readAccessLog(root);
        ClusterConfig cluster = readCluster(root, database, http);

        if (reader.hasProblems()) {
            return null;
        }
        return new ServerConfig(bind, controlPort, allowPorts, dataDir, tls, auth, handshakeTimeout,
                keepAliveInterval, keepAliveMissed, shutdownGrace, publicHost, admin, database, http, udp, proxyProtocol,
                alerts, limits, domainProof, access, quotas, accessLog, cluster);
    }

    private static ClusterConfig readCluster(ConfigObject root, DatabaseSettings database, HttpConfig http) {
        Optional<ConfigObject> section = root.object("cluster", "nodeName", "advertise", "secret", "heartbeat",
                "deadAfter");
        if (section.isEmpty()) {
            return null;
        }
        ConfigObject cluster = section.get();
        String nodeName = cluster.requiredString("nodeName");
        if (nodeName != null && !NODE_NAME.matcher(nodeName).matches()) {
            cluster.invalid("nodeName", "expected 1 to 63 letters, digits, '.', '_' or '-'");
        }
        HostPort advertise = cluster.hostPort("advertise", true, 0);
        String secret = cluster.secret("secret", true, MIN_CLUSTER_SECRET);
        Duration heartbeat = cluster.duration("heartbeat", ClusterConfig.DEFAULT_HEARTBEAT, Duration.ofMillis(100),
                Duration.ofMinutes(1));
        Duration deadAfter = cluster.duration("deadAfter", ClusterConfig.DEFAULT_DEAD_AFTER, Duration.ofMillis(300),
                MAX_TIMEOUT);
        if (deadAfter.compareTo(heartbeat.multipliedBy(ClusterConfig.MIN_HEARTBEATS_TO_DEATH)) < 0) {
            cluster.problem("deadAfter", "expected at least " + ClusterConfig.MIN_HEARTBEATS_TO_DEATH
                    + " heartbeats (" + heartbeat.multipliedBy(ClusterConfig.MIN_HEARTBEATS_TO_DEATH).toMillis()
                    + " ms with heartbeat " + heartbeat.toMillis() + " ms), got " + deadAfter.toMillis() + " ms");
        }
        String databaseProblem = ClusterConfig.databaseProblem(database);
        if (databaseProblem != null) {
            root.problem("cluster", databaseProblem);
        }
        if (http != null && http.acme() != null && http.acme().storageKeyFile() == null) {
            // Each node would otherwise make a key of its own and could not read the certificates another stored.
            root.problem("https.acme.storageKey", "required with cluster: a file with the same 32 random bytes on"
                    + " every node");
        }
        if (nodeName == null || advertise == null || secret == null) {
            return null;
        }
        return new ClusterConfig(nodeName, advertise, secret, heartbeat, deadAfter);
    }

    private static AccessLogConfig readAccessLog(ConfigObject root) {
        Optional<ConfigObject> section = root.object("accessLog", "path", "maxFileSize", "maxFiles");
        if (section.isEmpty()) {
            return AccessLogConfig.DEFAULTS;
        }
        ConfigObject accessLog = section.get();
        return new AccessLogConfig(accessLog.path("path"),
                accessLog.byteSize("maxFileSize", AccessLogConfig.DEFAULT_MAX_FILE_SIZE, AccessLogConfig.MIN_FILE_SIZE,
                        AccessLogConfig.MAX_FILE_SIZE),
                accessLog.integer("maxFiles", AccessLogConfig.DEFAULT_MAX_FILES, 2, AccessLogConfig.MAX_FILES));
    }

    private static QuotasConfig readQuotas(ConfigObject root) {
        Optional<ConfigObject> section = root.object("quotas", "period", "timeZone", "checkInterval", "retryAfter");
        if (section.isEmpty()) {
            return QuotasConfig.DEFAULTS;
        }
        ConfigObject quotas = section.get();
        UsagePeriods defaults = QuotasConfig.DEFAULTS.period();
        UsagePeriods.Kind kind = quotas.choice("period", false, Map.of(
                "calendar", UsagePeriods.Kind.CALENDAR, "subscription", UsagePeriods.Kind.SUBSCRIPTION));
        ZoneId zone = defaults.zone();
        String zoneName = quotas.string("timeZone");
        if (zoneName != null) {
            try {
                zone = ZoneId.of(zoneName);
            } catch (DateTimeException e) {
                quotas.invalid("timeZone", "expected a time zone such as UTC or Europe/Berlin");
            }
        }
        return new QuotasConfig(new UsagePeriods(kind == null ? defaults.kind() : kind, zone),
                quotas.duration("checkInterval", QuotasConfig.DEFAULT_CHECK_INTERVAL, Duration.ofMillis(100),
                        Duration.ofMinutes(10)),
                quotas.duration("retryAfter", QuotasConfig.DEFAULT_RETRY_AFTER, Duration.ofSeconds(1),
                        Duration.ofHours(24)));
    }

    private static AccessConfig readAccess(ConfigObject root) {
        Optional<ConfigObject> section = root.object("access", "deny", "controlAllow");
        return section.map(access -> new AccessConfig(access.ipNetworks("deny", MAX_NETWORKS),
                        access.ipNetworks("controlAllow", MAX_NETWORKS)))
                .orElse(AccessConfig.NONE);
    }

    private static DomainProofConfig readDomainProof(ConfigObject root) {
        Optional<ConfigObject> section = root.object("domainProof", "required", "nameServers");
        if (section.isEmpty()) {
            return DomainProofConfig.DEFAULTS;
        }
        ConfigObject proof = section.get();
        List<HostPort> nameServers = new ArrayList<>();
        List<String> listed = proof.strings("nameServers");
        for (int i = 0; i < listed.size(); i++) {
            try {
                nameServers.add(HostPort.parse(listed.get(i), 53));
            } catch (IllegalArgumentException e) {
                proof.problem("nameServers[" + i + "]", "expected an IP address or host, with :port when not 53");
            }
        }
        return new DomainProofConfig(proof.bool("required", DomainProofConfig.DEFAULTS.required()), nameServers);
    }

    private static LimitsConfig readLimits(ConfigObject root) {
        Optional<ConfigObject> section = root.object("limits", "connectionsPerSource", "handshakesPerSource",
                "sessionsPerUser", "tunnelsPerUser", "streamsPerUser", "udpFlowsPerUser");
        if (section.isEmpty()) {
            return LimitsConfig.DEFAULTS;
        }
        ConfigObject limits = section.get();
        return new LimitsConfig(
                limits.integer("connectionsPerSource", LimitsConfig.DEFAULT_CONNECTIONS_PER_SOURCE, 1, 1_000_000),
                limits.integer("handshakesPerSource", LimitsConfig.DEFAULT_HANDSHAKES_PER_SOURCE, 1, 1_000_000),
                limits.integer("sessionsPerUser", LimitsConfig.DEFAULT_SESSIONS_PER_USER, 1, 1_000_000),
                limits.integer("tunnelsPerUser", LimitsConfig.DEFAULT_TUNNELS_PER_USER, 1, 1_000_000),
                limits.integer("streamsPerUser", LimitsConfig.DEFAULT_STREAMS_PER_USER, 1, 10_000_000),
                limits.integer("udpFlowsPerUser", LimitsConfig.DEFAULT_UDP_FLOWS_PER_USER, 1, 10_000_000));
    }

    private static String readBind(ConfigObject section, String defaultValue) {
        String bind = section.has("bind") ? section.string("bind") : defaultValue;
        if (bind != null && !NetUtil.isValidIpV4Address(bind) && !NetUtil.isValidIpV6Address(bind)
                && !HOST_NAME.matcher(bind).matches()) {
            section.invalid("bind", "expected an IP address or host name without a port");
        }
        return bind;
    }

    private static AdminConfig readAdmin(ConfigObject root) {
        Optional<ConfigObject> section = root.object("admin", "enabled", "bind", "port");
        if (section.isEmpty()) {
            return AdminConfig.DEFAULTS;
        }
        ConfigObject admin = section.get();
        boolean enabled = admin.bool("enabled", true);
        String bind = readBind(admin, AdminConfig.DEFAULT_BIND);
        int port = admin.integer("port", AdminConfig.DEFAULT_PORT, 0, 65535);
        return bind == null ? AdminConfig.DEFAULTS : new AdminConfig(enabled, bind, port);
    }

    private static HttpConfig readHttp(ConfigObject root) {
        String domain = root.string("domain");
        if (domain != null && !HOST_NAME.matcher(domain).matches()) {
            root.invalid("domain", "expected a host name such as tunnel.example.com");
            domain = null;
        }
        if (domain != null && domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        domain = domain == null ? null : domain.toLowerCase(java.util.Locale.ROOT);
        HttpConfig defaults = HttpConfig.DEFAULTS;
        Optional<ConfigObject> section = root.object("http", "port", "maxHeaderSize", "requestHeaderTimeout",
                "idleTimeout", "responseTimeout", "bodyIdleTimeout", "errorPages", "http2");
        if (section.isEmpty()) {
            return new HttpConfig(domain, defaults.httpPort(), defaults.httpsPort());
        }
        ConfigObject http = section.get();
        int port = http.integer("port", defaults.httpPort(), 0, 65535);
        int maxHeaderSize = http.integer("maxHeaderSize", defaults.maxHeaderSize(), 1024, MAX_HTTP_HEADER_SIZE);
        Duration requestHeaderTimeout = http.duration("requestHeaderTimeout", defaults.requestHeaderTimeout(),
                MIN_DURATION, MAX_TIMEOUT);
        Duration idleTimeout = http.duration("idleTimeout", defaults.idleTimeout(), MIN_DURATION, MAX_TIMEOUT);
        Duration responseTimeout = http.duration("responseTimeout", defaults.responseTimeout(), MIN_DURATION,
                MAX_TIMEOUT);
        Duration bodyIdleTimeout = http.duration("bodyIdleTimeout", defaults.bodyIdleTimeout(), MIN_DURATION,
                MAX_TIMEOUT);
        Map<Integer, Path> errorPages = new HashMap<>();
        http.object("errorPages", ERROR_PAGE_STATUSES.toArray(String[]::new)).ifPresent(pages -> {
            for (String status : ERROR_PAGE_STATUSES) {
                Path file = pages.existingFile(status, "an HTML file");
                if (file != null) {
                    errorPages.put(Integer.parseInt(status), file);
                }
            }
        });
        return new HttpConfig(domain, port, defaults.httpsPort(), maxHeaderSize, requestHeaderTimeout, idleTimeout,
                responseTimeout, bodyIdleTimeout, errorPages, defaults.certificates(), defaults.clientConnect(), null,
                readHttp2(http));
    }

    private static Http2Config readHttp2(ConfigObject http) {
        Optional<ConfigObject> section = http.object("http2", "cleartext", "maxConcurrentStreams",
                "initialWindowSize", "maxResets", "resetWindow", "maxQueuedControlFrames");
        if (section.isEmpty()) {
            return Http2Config.DEFAULTS;
        }
        ConfigObject h2 = section.get();
        Http2Config defaults = Http2Config.DEFAULTS;
        return new Http2Config(h2.bool("cleartext", defaults.cleartext()),
                h2.integer("maxConcurrentStreams", defaults.maxConcurrentStreams(), 1, MAX_HTTP2_STREAMS),
                h2.integer("initialWindowSize", defaults.initialWindowSize(), 65_535, Http2Config.MAX_WINDOW_SIZE),
                h2.integer("maxResets", defaults.maxResets(), 1, Integer.MAX_VALUE),
                h2.duration("resetWindow", defaults.resetWindow(), Duration.ofSeconds(1), MAX_TIMEOUT),
                h2.integer("maxQueuedControlFrames", defaults.maxQueuedControlFrames(), 1, Integer.MAX_VALUE));
    }

    private static DatabaseSettings readDatabase(ConfigObject root) {
        Optional<ConfigObject> section = root.object("database", "enabled", "url", "user", "password", "maxPoolSize");
        if (section.isEmpty()) {
            return DatabaseSettings.EMBEDDED;
        }
        ConfigObject database = section.get();
        boolean enabled = database.bool("enabled", true);
        String url = database.string("url");
        if (url != null && !url.startsWith(POSTGRES_URL_PREFIX)) {
            // Only the prefix is checked: the rest may carry credentials, which a problem message must not echo.
            database.problem("url", "expected a JDBC URL starting with " + POSTGRES_URL_PREFIX);
        }
        String user = database.string("user");
        String password = database.secret("password", false, 1);
        if (url == null) {
            // The embedded server generates its own credentials; silently ignoring these would hide a typo'd url.
            if (database.has("user")) {
                database.invalid("user", "expected nothing (database.url is not set, so the embedded PostgreSQL is used)");
            }
            if (database.has("password")) {
                database.problem("password", "expected nothing (database.url is not set, so the embedded PostgreSQL is used)");
            }
        }
        int maxPoolSize = database.integer("maxPoolSize", DatabaseConfig.DEFAULT_MAX_POOL_SIZE, 1, MAX_POOL_SIZE);
        return new DatabaseSettings(enabled, new DatabaseConfig(url, user, password, maxPoolSize));
    }

    private static UdpConfig readUdp(ConfigObject root) {
        Optional<ConfigObject> section = root.object("udp", "idleTimeout", "maxDatagram", "receiveBuffer", "sendBuffer");
        if (section.isEmpty()) {
            return UdpConfig.DEFAULTS;
        }
        ConfigObject udp = section.get();
        Duration idleTimeout = udp.duration("idleTimeout", UdpConfig.DEFAULT_IDLE_TIMEOUT, MIN_DURATION, MAX_UDP_IDLE);
        int maxDatagram = udp.integer("maxDatagram", UdpConfig.DEFAULT_MAX_DATAGRAM, 1, UdpConfig.DEFAULT_MAX_DATAGRAM);
        UdpSocketBuffers defaults = UdpSocketBuffers.DEFAULTS;
        return new UdpConfig(idleTimeout, maxDatagram, new UdpSocketBuffers(
                udp.integer("receiveBuffer", defaults.receive(), 0, UdpSocketBuffers.MAX_SIZE),
                udp.integer("sendBuffer", defaults.send(), 0, UdpSocketBuffers.MAX_SIZE)));
    }

    private static ProxyProtocolConfig readProxyProtocol(ConfigObject root) {
        Optional<ConfigObject> section = root.object("proxyProtocol", "trustedCidrs");
        if (section.isEmpty()) {
            return ProxyProtocolConfig.NONE;
        }
        ConfigObject proxyProtocol = section.get();
        List<String> cidrs = proxyProtocol.strings("trustedCidrs");
        for (int i = 0; i < cidrs.size(); i++) {
            try {
                TrustedProxies.parse(cidrs.get(i));
            } catch (IllegalArgumentException e) {
                proxyProtocol.problem("trustedCidrs[" + i + "]", e.getMessage());
            }
        }
        return new ProxyProtocolConfig(cidrs);
    }

    private static AlertsConfig readAlerts(ConfigObject root) {
        Optional<ConfigObject> section = root.object("alerts", "enabled", "interval", "lookback", "window",
                "clientOffline", "tunnelDown", "httpLatency", "httpErrorRate", "quotaNearlyUsed", "webhooks", "telegram",
                "delivery");
        if (section.isEmpty()) {
            return AlertsConfig.DEFAULTS;
        }
        ConfigObject alerts = section.get();
        boolean enabled = alerts.bool("enabled", true);
        Duration interval = alerts.duration("interval", AlertsConfig.DEFAULT_INTERVAL, Duration.ofMillis(100),
                Duration.ofMinutes(10));
        Duration lookback = alerts.duration("lookback", AlertsConfig.DEFAULT_LOOKBACK, Duration.ofSeconds(1),
                Duration.ofDays(7));
        Duration window = alerts.duration("window", AlertsConfig.DEFAULT_WINDOW, Duration.ofSeconds(1),
                Duration.ofHours(24));
        AlertsConfig.Rule clientOffline = readAlertRule(alerts.object("clientOffline", "enabled", "for"),
                AlertsConfig.DEFAULT_CLIENT_OFFLINE);
        AlertsConfig.Rule tunnelDown = readAlertRule(alerts.object("tunnelDown", "enabled", "for"),
                AlertsConfig.DEFAULT_TUNNEL_DOWN);
        AlertsConfig.Rule quotaNearlyUsed = readAlertRule(alerts.object("quotaNearlyUsed", "enabled", "for"),
                AlertsConfig.DEFAULT_QUOTA_NEARLY_USED);
        Optional<ConfigObject> latencySection = alerts.object("httpLatency", "enabled", "for", "threshold");
        AlertsConfig.Rule httpLatency = readAlertRule(latencySection, AlertsConfig.DEFAULT_HTTP_LATENCY);
        Duration latencyThreshold = latencySection.map(s -> s.duration("threshold",
                AlertsConfig.DEFAULT_HTTP_LATENCY_THRESHOLD, MIN_DURATION, Duration.ofMinutes(10)))
                .orElse(AlertsConfig.DEFAULT_HTTP_LATENCY_THRESHOLD);
        Optional<ConfigObject> errorSection = alerts.object("httpErrorRate", "enabled", "for", "threshold");
        AlertsConfig.Rule httpErrorRate = readAlertRule(errorSection, AlertsConfig.DEFAULT_HTTP_ERROR_RATE);
        double errorThreshold = errorSection.map(s -> s.decimal("threshold",
                AlertsConfig.DEFAULT_HTTP_ERROR_RATE_THRESHOLD, 0, 1))
                .orElse(AlertsConfig.DEFAULT_HTTP_ERROR_RATE_THRESHOLD);
        List<URI> webhooks = new ArrayList<>();
        for (ConfigObject webhook : alerts.objects("webhooks", "url")) {
            URI url = readHttpUrl(webhook, "url", true);
            if (url != null) {
                webhooks.add(url);
            }
        }
        AlertsConfig.Telegram telegram = alerts.object("telegram", "token", "chatId", "baseUrl").map(t -> {
            String token = t.secret("token", true, 1);
            String chatId = t.requiredString("chatId");
            URI baseUrl = readHttpUrl(t, "baseUrl", false);
            return token == null || chatId == null ? null : new AlertsConfig.Telegram(token, chatId, baseUrl);
        }).orElse(null);
        Optional<ConfigObject> delivery = alerts.object("delivery", "attempts", "backoff");
        int attempts = delivery.map(d -> d.integer("attempts", AlertsConfig.DEFAULT_ATTEMPTS, 1, 20))
                .orElse(AlertsConfig.DEFAULT_ATTEMPTS);
        Duration backoff = delivery.map(d -> d.duration("backoff", AlertsConfig.DEFAULT_BACKOFF, MIN_DURATION,
                Duration.ofMinutes(5))).orElse(AlertsConfig.DEFAULT_BACKOFF);
        return new AlertsConfig(enabled, interval, lookback, window, clientOffline, tunnelDown, httpLatency,
                latencyThreshold, httpErrorRate, errorThreshold, quotaNearlyUsed, webhooks, telegram, attempts, backoff);
    }

    private static AlertsConfig.Rule readAlertRule(Optional<ConfigObject> section, AlertsConfig.Rule defaults) {
        return section.map(rule -> new AlertsConfig.Rule(rule.bool("enabled", defaults.enabled()),
                        rule.duration("for", defaults.holdFor(), Duration.ZERO, Duration.ofHours(24))))
                .orElse(defaults);
    }

    /** Only the scheme is named in a problem: a webhook's path often carries its secret. */
    private static URI readHttpUrl(ConfigObject section, String key, boolean required) {
        String value = required ? section.requiredString(key) : section.string(key);
        if (value == null) {
            return null;
        }
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        section.problem(key, "expected an http:// or https:// URL with a host");
        return null;
    }

    private static ServerTlsConfig readTls(ConfigObject root) {
        Optional<ConfigObject> section = root.object("tls", "cert", "key");
        if (section.isEmpty()) {
            return ServerTlsConfig.NONE;
        }
        ConfigObject tls = section.get();
        boolean hasCert = tls.has("cert");
        boolean hasKey = tls.has("key");
        Path cert = tls.existingFile("cert", "a PEM certificate file");
        Path key = tls.existingFile("key", "a PEM private key file");
        if (hasCert && !hasKey) {
            tls.invalid("key", "expected a PEM private key file (tls.cert is set)");
            return ServerTlsConfig.NONE;
        }
        if (hasKey && !hasCert) {
            tls.invalid("cert", "expected a PEM certificate file (tls.key is set)");
            return ServerTlsConfig.NONE;
        }
        return cert == null || key == null ? ServerTlsConfig.NONE : new ServerTlsConfig(cert, key);
    }

    /**
     * {@code auth.tokens}: each entry a plain token or {@code {name, token}}. Names are checked against every other
     * entry's user, a plain entry's {@code static:N} included, and tokens against each other; a problem names the
     * entry a clash is with, never a token.
     */
    private static AuthConfig readAuth(ConfigObject root) {
        Optional<ConfigObject> section = root.object("auth", "tokens");
        if (section.isEmpty()) {
            return AuthConfig.NONE;
        }
        ConfigObject auth = section.get();
        List<ConfigObject.SecretOrMapping> items = auth.secretsOrMappings("tokens", AuthConfig.MIN_TOKEN_LENGTH,
                "name", "token");
        Map<String, String> userAt = new HashMap<>();
        for (ConfigObject.SecretOrMapping item : items) {
            if (item.secret() != null) {
                userAt.put(AuthConfig.user(item.index(), null), auth.childPath("tokens") + "[" + item.index() + "]");
            }
        }
        Map<String, String> tokenAt = new HashMap<>();
        List<AuthConfig.StaticToken> tokens = new ArrayList<>();
        for (ConfigObject.SecretOrMapping item : items) {
            String at = auth.childPath("tokens") + "[" + item.index() + "]";
            AuthConfig.StaticToken token = item.secret() != null ? AuthConfig.StaticToken.plain(item.secret())
                    : readNamedToken(item.mapping(), item.index(), userAt);
            if (token == null) {
                continue;
            }
            String sameToken = tokenAt.putIfAbsent(token.token(), at);
            if (sameToken != null) {
                auth.reader().problem(token.name() == null ? at : at + ".token",
                        "expected a token no other entry holds (" + sameToken + " holds the same one)");
                continue;
            }
            tokens.add(token);
        }
        // With an entry left out, the plain ones after it would move up and change their static:N.
        return auth.reader().hasProblems() ? AuthConfig.NONE : new AuthConfig(tokens);
    }

    /** One {@code {name, token}} entry; null when either has a problem, which is reported. */
    private static AuthConfig.StaticToken readNamedToken(ConfigObject entry, int index, Map<String, String> userAt) {
        String name = entry.requiredString("name");
        String token = entry.secret("token", true, AuthConfig.MIN_TOKEN_LENGTH);
        if (name != null && !AuthConfig.NAME.matcher(name).matches()) {
            entry.invalid("name", "expected " + AuthConfig.NAME_RULE);
            return null;
        }
        if (name != null) {
            String user = AuthConfig.user(index, name);
            String other = userAt.putIfAbsent(user, entry.path());
            if (other != null) {
                entry.invalid("name", "expected a name no other entry has (" + other + " is " + user + " already)");
                return null;
            }
        }
        return name == null || token == null ? null : new AuthConfig.StaticToken(name, token);
    }

    /** The https listener's part of {@code http}, which holds what the other web settings say. */
    private static HttpConfig readHttps(ConfigObject root, HttpConfig http) {
        Optional<ConfigObject> section = root.object("https", "port", "certificates", "clientConnect", "acme");
        if (section.isEmpty()) {
            return http.withHttps(HttpConfig.httpsPortWhenUnset(false), List.of());
        }
        ConfigObject https = section.get();
        List<HttpsCertificateConfig> certificates = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (ConfigObject item : https.objects("certificates", "domains", "cert", "key")) {
            HttpsCertificateConfig certificate = readCertificate(item, listed);
            if (certificate != null) {
                certificates.add(certificate);
            }
        }
        ClientConnectConfig clientConnect = readClientConnect(https);
        AcmeConfig acme = readAcme(https, listed);
        // Clients dialing wss:// to names of their own are something to serve, like a certificate.
        boolean serves = !certificates.isEmpty() || acme != null
                || (clientConnect.enabled() && !clientConnect.hosts().isEmpty());
        int port = https.integer("port", HttpConfig.httpsPortWhenUnset(serves), 0, 65535);
        return http.withHttps(port, certificates, clientConnect).withAcme(acme);
    }

    /**
     * {@code https.acme}: a directory by name or URL, terms agreed to, exact host names that no file certificate
     * lists already. Null when absent or wrong.
     */
    private static AcmeConfig readAcme(ConfigObject https, Set<String> listed) {
        Optional<ConfigObject> section = https.object("acme", "directory", "email", "agreeTerms", "domains",
                "challenges", "eab", "trustedCa", "checkInterval", "storageKey", "dnsHook", "onDemand", "probePort");
        if (section.isEmpty()) {
            return null;
        }
        ConfigObject acme = section.get();
        int problemsBefore = acme.reader().problems().size();
        URI directory = readAcmeDirectory(acme);
        String email = acme.string("email");
        if (email != null && !email.matches("[^@\\s]+@[^@\\s]+")) {
            acme.invalid("email", "expected an e-mail address");
        }
        if (!acme.bool("agreeTerms", false)) {
            acme.invalid("agreeTerms", "expected true: the CA issues nothing before its terms of service are agreed to");
        }
        Path dnsHook = acme.has("dnsHook") ? acme.existingFile("dnsHook", "an executable program") : null;
        if (dnsHook != null && !Files.isExecutable(dnsHook)) {
            acme.problem("dnsHook", "expected an executable program, got " + dnsHook + ", which may not be run");
        }
        List<String> domains = readDomains(acme, acme.strings("domains"), listed, acme.has("dnsHook"),
                "expected a domain no entry of https.certificates lists", false);
        List<String> challenges = acme.strings("challenges");
        for (int i = 0; i < challenges.size(); i++) {
            String at = acme.childPath("challenges") + "[" + i + "]";
            String quoted = "\"" + challenges.get(i) + "\"";
            if (!AcmeConfig.CHALLENGE_TYPES.contains(challenges.get(i))) {
                acme.reader().problem(at, "expected " + AcmeConfig.HTTP_01 + ", " + AcmeConfig.TLS_ALPN_01 + " or "
                        + AcmeConfig.DNS_01, quoted);
            } else if (challenges.get(i).equals(AcmeConfig.DNS_01) && !acme.has("dnsHook")) {
                acme.reader().problem(at, "expected http-01 or tls-alpn-01: dns-01 needs https.acme.dnsHook", quoted);
            }
        }
        if (!challenges.isEmpty() && !challenges.contains(AcmeConfig.DNS_01)
                && domains.stream().anyMatch(HostPatterns::isWildcard)) {
            acme.invalid("challenges", "expected a list with dns-01: only dns-01 validates a wildcard domain");
        }
        AcmeConfig.ExternalAccount eab = acme.object("eab", "keyId", "hmacKey")
                .map(binding -> {
                    String keyId = binding.requiredString("keyId");
                    String hmacKey = binding.secret("hmacKey", true, 16);
                    return keyId == null || hmacKey == null ? null : new AcmeConfig.ExternalAccount(keyId, hmacKey);
                })
                .orElse(null);
        Path trustedCa = acme.has("trustedCa") ? acme.existingFile("trustedCa", "a PEM certificate file") : null;
        Path storageKey = acme.has("storageKey") ? acme.existingFile("storageKey", "a file of 32 random bytes")
                : null;
        Duration checkInterval = acme.duration("checkInterval", AcmeConfig.DEFAULT_CHECK_INTERVAL,
                Duration.ofSeconds(1), Duration.ofDays(1));
        boolean onDemand = acme.bool("onDemand", AcmeConfig.DEFAULT_ON_DEMAND);
        int probePort = acme.integer("probePort", AcmeConfig.DEFAULT_PROBE_PORT, 1, 65535);
        if (directory == null || acme.reader().problems().size() > problemsBefore) {
            return null;
        }
        return new AcmeConfig(directory, email, domains, challenges, eab, trustedCa, checkInterval, storageKey,
                dnsHook, onDemand, probePort);
    }

    private static URI readAcmeDirectory(ConfigObject acme) {
        String directory = acme.requiredString("directory");
        if (directory == null) {
            return null;
        }
        if (directory.equals("letsencrypt")) {
            return AcmeConfig.LETSENCRYPT;
        }
        if (directory.equals("letsencrypt-staging")) {
            return AcmeConfig.LETSENCRYPT_STAGING;
        }
        try {
            URI uri = new URI(directory);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        acme.invalid("directory", "expected letsencrypt, letsencrypt-staging or the https:// URL of an ACME directory");
        return null;
    }

    private static ClientConnectConfig readClientConnect(ConfigObject https) {
        Optional<ConfigObject> section = https.object("clientConnect", "enabled", "path", "hosts");
        if (section.isEmpty()) {
            return ClientConnectConfig.DEFAULTS;
        }
        ConfigObject connect = section.get();
        boolean enabled = connect.bool("enabled", ClientConnectConfig.DEFAULTS.enabled());
        String path = connect.string("path");
        if (path == null) {
            path = ClientConnectConfig.DEFAULTS.path();
        } else if (!WebSocketCarrier.isUpgradePath(path)) {
            connect.invalid("path", "expected a path starting with / without spaces, query or fragment");
            path = ClientConnectConfig.DEFAULTS.path();
        }
        List<String> hosts = new ArrayList<>();
        List<String> written = connect.strings("hosts");
        for (int i = 0; i < written.size(); i++) {
            String host = HostPatterns.normalize(written.get(i));
            if (HOST_NAME.matcher(host).matches()) {
                hosts.add(host);
            } else {
                connect.reader().problem(connect.childPath("hosts") + "[" + i + "]", "expected a host name",
                        "\"" + written.get(i) + "\"");
            }
        }
        return new ClientConnectConfig(enabled, path, hosts);
    }

    /**
     * One {@code https.certificates[i]}: files that exist and parse, a key that belongs to the certificate, and
     * domains the certificate covers, each listed by one certificate only. Null when anything is wrong.
     */
    private static HttpsCertificateConfig readCertificate(ConfigObject item, Set<String> listed) {
        int problemsBefore = item.reader().problems().size();
        List<String> written = item.strings("domains");
        List<String> domains = readDomains(item, written, listed, true, "expected a domain no other certificate lists",
                true);
        Path certFile = required(item, "cert", "a PEM certificate file");
        Path keyFile = required(item, "key", "a PEM private key file");
        if (certFile == null || keyFile == null) {
            return null;
        }
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            chain = ServerCertificate.readCertificates(certFile);
        } catch (IOException | GeneralSecurityException e) {
            item.problem("cert", "expected a PEM certificate file, got " + certFile + " (" + e.getMessage() + ")");
            return null;
        }
        try {
            key = ServerCertificate.readPrivateKey(keyFile);
        } catch (IOException | GeneralSecurityException e) {
            item.problem("key", "expected a PEM private key file, got " + keyFile + " (" + e.getMessage() + ")");
            return null;
        }
        X509Certificate leaf = chain.get(0);
        if (!CertificateChecks.keyMatches(leaf, key)) {
            item.problem("key", "expected the private key of " + item.childPath("cert") + ", got " + keyFile
                    + ", which does not match that certificate");
        }
        List<String> covered = CertificateChecks.dnsNames(leaf);
        for (int i = 0; i < written.size(); i++) {
            String domain = HostPatterns.normalize(written.get(i));
            if (domains.contains(domain) && !CertificateChecks.covers(covered, domain)) {
                item.reader().problem(item.childPath("domains") + "[" + i + "]",
                        "expected a name the certificate in " + item.childPath("cert") + " covers ("
                                + (covered.isEmpty() ? "it names no DNS names" : String.join(", ", covered)) + ")",
                        "\"" + written.get(i) + "\"");
            }
        }
        if (item.reader().problems().size() > problemsBefore) {
            return null;
        }
        return new HttpsCertificateConfig(domains, certFile, keyFile);
    }

    /**
     * The host names {@code written} in {@code section.domains}, lower case, each added to {@code listed}; a name
     * listed already is a problem that says {@code listedAlready}.
     *
     * @param wildcards whether {@code *.domain} names are accepted
     */
    private static List<String> readDomains(ConfigObject section, List<String> written, Set<String> listed,
                                            boolean wildcards, String listedAlready, boolean atLeastOne) {
        List<String> domains = new ArrayList<>();
        if (written.isEmpty() && atLeastOne) {
            section.invalid("domains", "expected a list of at least one host name");
        }
        for (int i = 0; i < written.size(); i++) {
            String domain = HostPatterns.normalize(written.get(i));
            String at = section.childPath("domains") + "[" + i + "]";
            String quoted = "\"" + written.get(i) + "\"";
            boolean wildcard = HostPatterns.isWildcard(domain);
            if (wildcard && !wildcards) {
                section.reader().problem(at, "expected an exact host name: a wildcard needs the dns-01 challenge, "
                        + "which needs https.acme.dnsHook", quoted);
            } else if (!HOST_NAME.matcher(wildcard ? domain.substring(2) : domain).matches()) {
                section.reader().problem(at, wildcards ? "expected a host name or *.domain" : "expected a host name",
                        quoted);
            } else if (!listed.add(domain)) {
                section.reader().problem(at, listedAlready, quoted);
            } else {
                domains.add(domain);
            }
        }
        return domains;
    }

    private static Path required(ConfigObject item, String key, String what) {
        if (!item.has(key)) {
            item.invalid(key, "expected " + what);
            return null;
        }
        return item.existingFile(key, what);
    }
}
