package dev.portway.client.config;

import dev.portway.protocol.config.ConfigException;
import dev.portway.protocol.config.ConfigObject;
import dev.portway.protocol.config.ConfigReader;
import dev.portway.protocol.config.Durations;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.GroupOptions;
import dev.portway.protocol.control.HeaderRuleCheck;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.IpRules;
import dev.portway.protocol.control.RateLimit;
import dev.portway.protocol.control.TunnelNames;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.relay.Bandwidth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates {@code client.yaml}: the one place where the client's file format is checked. Every problem
 * is collected and reported together; a record is only built from a file without problems.
 *
 * <pre>
 * server: tunnel.example.com:7000   # or a list, tried in order; wss://tunnel.example.com[/path] over HTTPS
 * proxy: http://user:pass@proxy.lan:3128   # or socks5://...; none: ignore HTTPS_PROXY/ALL_PROXY
 * token: ${secret}
 * clientId: laptop            # optional
 * tls:
 *   fingerprint: sha256:...   # or  ca: ca.pem   or  insecure: true
 *   serverName: tunnel.example.com
 * tunnels:
 *   - {name: ssh, type: tcp, local: 127.0.0.1:22, remotePort: 2222}
 *   - name: pool              # a member of a load-balancing group, checked every 10 s
 *     type: tcp
 *     local: 127.0.0.1:8080
 *     remotePort: 8080
 *     group: pool
 *     groupKey: ${groupSecret}
 *     loadBalance: round-robin   # or least-connections
 *     healthCheck: {type: http, path: /health, intervalSeconds: 10, failures: 3, timeoutSeconds: 3}
 *   - {name: app, type: tcp, local: 127.0.0.1:8081, proxyProtocol: v2}   # or v1: PROXY header to the service
 *   - {name: dns, type: udp, local: 127.0.0.1:53, remotePort: 5353}
 *   - name: web
 *     type: http
 *     local: 127.0.0.1:8080
 *     subdomain: app                      # app.<server domain>
 *     customDomains: [www.example.org, "*.example.net"]
 *     locations: [/api]                   # path prefixes; none: every path
 *     hostHeaderRewrite: localhost
 *     requestHeaders: {set: {X-From: portway}, remove: [Cookie]}
 *     responseHeaders: {set: {}, remove: [Server]}
 *     basicAuth: {user: me, password: ...}
 *   - name: grpc
 *     type: http
 *     local: 127.0.0.1:50051
 *     subdomain: grpc
 *     backendProtocol: h2c                # or h2 (over TLS, with backendTls) or http1, the default
 *   - {name: grpcs, type: http, local: 127.0.0.1:50052, subdomain: grpcs, backendProtocol: h2,
 *      backendTls: {ca: local-ca.pem, serverName: grpc.lan}}   # or fingerprint:, or insecure: true
 * reconnect: {initial: 1s, max: 8s, factor: 2.0, jitter: true, exitOnFatal: true}   # false: retry even a wrong
 *                              # certificate or token (exit codes 3 and 4) for ever
 * dialTimeout: 10s
 * keepAliveInterval: 10s
 * keepAliveMissed: 3
 * metrics: {port: 9101}       # optional: GET /metrics on 127.0.0.1:9101
 * allowTargets: [127.0.0.1:8080]   # optional: targets tunnels pushed by the server may reach
 * inspect: {port: 4040, address: 127.0.0.1, maxRequests: 500, maxBodyBytes: 1MB}   # optional: the request
 *                              # inspector of http tunnels (docs/inspector.md)
 * </pre>
 */
public final class ClientConfigLoader {
    private static final Duration MIN_DURATION = Duration.ofMillis(1);
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);
    private static final int MAX_CLIENT_ID = 128;
    private static final Map<String, TunnelType> TYPES = new LinkedHashMap<>();
    private static final Map<String, HealthCheckConfig.Type> HEALTH_CHECK_TYPES = new LinkedHashMap<>();
    private static final Map<String, String> LOAD_BALANCE = new LinkedHashMap<>();
    private static final int MAX_HEALTH_SECONDS = 3600;
    private static final Map<String, ProxyProtocolVersion> PROXY_PROTOCOLS = new LinkedHashMap<>();
    private static final Map<String, BackendProtocol> BACKEND_PROTOCOLS = new LinkedHashMap<>();
    private static final List<String> HTTP_KEYS = List.of("subdomain", "customDomains", "locations",
            "hostHeaderRewrite", "requestHeaders", "responseHeaders", "basicAuth", "https", "rateLimit");

    static {
        for (TunnelType t : TunnelType.values()) {
            TYPES.put(t.wireName(), t);
        }
        for (HealthCheckConfig.Type t : HealthCheckConfig.Type.values()) {
            HEALTH_CHECK_TYPES.put(t.wireName(), t);
        }
        for (String policy : List.of("round-robin", "least-connections")) {
            LOAD_BALANCE.put(policy, policy);
        }
        for (ProxyProtocolVersion v : ProxyProtocolVersion.values()) {
            PROXY_PROTOCOLS.put(v.configName(), v);
        }
        for (BackendProtocol p : BackendProtocol.values()) {
            BACKEND_PROTOCOLS.put(p.configName(), p);
        }
    }

    private ClientConfigLoader() {
    }

    public static ClientConfig load(Path file) throws ConfigException {
        ConfigReader reader = ConfigReader.read(file);
        ClientConfig config = read(reader, System.getenv());
        reader.throwIfProblems();
        return config;
    }

    /**
     * Returns null when the reader has collected problems; the caller throws them.
     *
     * @param env the process environment, where {@code HTTPS_PROXY}, {@code ALL_PROXY} and {@code NO_PROXY} are
     *            looked for when the file names no proxy
     */
    static ClientConfig read(ConfigReader reader, Map<String, String> env) {
        ConfigObject root = reader.root("server", "proxy", "token", "clientId", "tls", "tunnels", "reconnect", "dialTimeout",
                "keepAliveInterval", "keepAliveMissed", "metrics", "allowTargets", "inspect");

        List<ServerAddress> servers = readServers(root);
        ProxyConfig proxy = readProxy(root, env);
        String token = root.secret("token", true, 1);
        String clientId = readClientId(root);
        ClientTlsConfig tls = readTls(root);
        List<HostPort> allowTargets = readAllowTargets(root);
        List<TunnelConfig> tunnels = readTunnels(root, !allowTargets.isEmpty());
        ReconnectConfig reconnect = readReconnect(root);
        Duration dialTimeout = root.duration("dialTimeout", ClientConfig.DEFAULT_DIAL_TIMEOUT, MIN_DURATION,
                MAX_TIMEOUT);
        Duration keepAliveInterval = root.duration("keepAliveInterval", ClientConfig.DEFAULT_KEEP_ALIVE_INTERVAL,
                MIN_DURATION, MAX_TIMEOUT);
        int keepAliveMissed = root.integer("keepAliveMissed", ClientConfig.DEFAULT_KEEP_ALIVE_MISSED, 1, 100);
        ClientMetricsConfig metrics = readMetrics(root);
        InspectConfig inspect = readInspect(root);

        if (reader.hasProblems()) {
            return null;
        }
        return new ClientConfig(servers, proxy, token, clientId, tls, tunnels, reconnect, dialTimeout, keepAliveInterval,
                keepAliveMissed, metrics, allowTargets, inspect);
    }

    private static final int MAX_SERVERS = 16;
    private static final String EXPECTED_SERVER = "expected host[:port], tls://host[:port] or wss://host[:port][/path]";

    private static List<ServerAddress> readServers(ConfigObject root) {
        int problemsBefore = root.reader().problems().size();
        List<Map.Entry<String, String>> written = root.stringOrStrings("server");
        if (written.isEmpty()) {
            if (root.reader().problems().size() == problemsBefore) {
                root.invalid("server", EXPECTED_SERVER + " (or a list of them)");
            }
            return List.of();
        }
        if (written.size() > MAX_SERVERS) {
            root.problem("server", "expected at most " + MAX_SERVERS + " addresses, got " + written.size());
        }
        List<ServerAddress> servers = new ArrayList<>();
        for (Map.Entry<String, String> item : written) {
            try {
                servers.add(ServerAddress.parse(item.getValue(), ClientConfig.DEFAULT_SERVER_PORT));
            } catch (IllegalArgumentException e) {
                root.reader().problem(item.getKey(), EXPECTED_SERVER, "\"" + item.getValue() + "\"");
            }
        }
        return servers;
    }

    /**
     * {@code proxy} from the file wins; {@code none} means direct whatever the environment says. Without it, the
     * environment's proxy for HTTPS (the connection is TLS whichever transport) or for everything applies, except
     * to the hosts {@code NO_PROXY} lists.
     */
    private static ProxyConfig readProxy(ConfigObject root, Map<String, String> env) {
        String written = root.string("proxy");
        if (written != null) {
            if (written.trim().equalsIgnoreCase("none")) {
                return null;
            }
            try {
                return ProxyConfig.parse(written, List.of(), "proxy");
            } catch (IllegalArgumentException e) {
                // Not root.invalid: it would quote the value, password and all.
                root.problem("proxy", e.getMessage() + ", got " + redactedProxy(written));
                return null;
            }
        }
        for (String name : List.of("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                String noProxy = env.getOrDefault("NO_PROXY", env.getOrDefault("no_proxy", ""));
                try {
                    return ProxyConfig.parse(value, List.of(noProxy.split(",")), name);
                } catch (IllegalArgumentException e) {
                    root.reader().problem("(environment " + name + ")", e.getMessage());
                    return null;
                }
            }
        }
        return null;
    }

    /** The proxy URL as written with whatever stands between "://" (or the start) and the last '@' hidden. */
    private static String redactedProxy(String written) {
        int at = written.lastIndexOf('@');
        if (at < 0) {
            return "\"" + written + "\"";
        }
        int scheme = written.indexOf("://");
        String prefix = scheme >= 0 && scheme < at ? written.substring(0, scheme + 3) : "";
        return "\"" + prefix + "***" + written.substring(at) + "\"";
    }

    /** {@code bandwidthLimit: 1MB}: bytes per second each way; 0 when absent. */
    private static long readBandwidthLimit(ConfigObject tunnel) {
        String text = tunnel.string("bandwidthLimit");
        if (text == null) {
            return 0;
        }
        try {
            return Bandwidth.parse(text);
        } catch (IllegalArgumentException e) {
            tunnel.reader().problem(tunnel.childPath("bandwidthLimit"), e.getMessage(), "\"" + text + "\"");
            return 0;
        }
    }

    /** {@code ipAllow: [10.0.0.0/8]}, {@code ipDeny: [...]}: null when the tunnel has neither. */
    private static IpRules readIpRules(ConfigObject tunnel) {
        if (!tunnel.has("ipAllow") && !tunnel.has("ipDeny")) {
            return null;
        }
        return new IpRules(tunnel.ipNetworks("ipAllow", IpRules.MAX_NETWORKS),
                tunnel.ipNetworks("ipDeny", IpRules.MAX_NETWORKS));
    }

    /** {@code allowTargets: ["127.0.0.1:8080", ...]}: exact host:port pairs, compared as written. */
    private static List<HostPort> readAllowTargets(ConfigObject root) {
        List<HostPort> targets = new ArrayList<>();
        List<String> items = root.strings("allowTargets");
        for (int i = 0; i < items.size(); i++) {
            try {
                targets.add(HostPort.parse(items.get(i)));
            } catch (IllegalArgumentException e) {
                root.problem("allowTargets[" + i + "]", "expected host:port, got \"" + items.get(i) + "\"");
            }
        }
        return targets;
    }

    private static ClientMetricsConfig readMetrics(ConfigObject root) {
        Optional<ConfigObject> section = root.object("metrics", "port");
        if (section.isEmpty()) {
            return null;
        }
        ConfigObject metrics = section.get();
        if (!metrics.has("port")) {
            metrics.invalid("port", "expected a port between 0 and 65535");
            return null;
        }
        int port = metrics.integer("port", 0, 0, 65535);
        return new ClientMetricsConfig(port);
    }

    /** {@code inspect: {}} turns the inspector on with every default. */
    private static InspectConfig readInspect(ConfigObject root) {
        Optional<ConfigObject> section = root.object("inspect", "port", "address", "maxRequests", "maxBodyBytes");
        if (section.isEmpty()) {
            return null;
        }
        ConfigObject inspect = section.get();
        String address = inspect.string("address");
        if (address == null) {
            address = InspectConfig.DEFAULT_ADDRESS;
        } else if (address.isBlank() || address.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            inspect.invalid("address", "expected a host name or IP address to listen on");
        }
        int port = inspect.integer("port", InspectConfig.DEFAULT_PORT, 0, 65535);
        int maxRequests = inspect.integer("maxRequests", InspectConfig.DEFAULT_MAX_REQUESTS, 1,
                InspectConfig.MAX_REQUESTS_LIMIT);
        long maxBodyBytes = inspect.byteSize("maxBodyBytes", InspectConfig.DEFAULT_MAX_BODY_BYTES, 0,
                InspectConfig.MAX_BODY_BYTES_LIMIT);
        return new InspectConfig(address, port, maxRequests, (int) maxBodyBytes);
    }

    private static String readClientId(ConfigObject root) {
        String id = root.string("clientId");
        if (id != null && (id.isBlank() || id.length() > MAX_CLIENT_ID
                || id.chars().anyMatch(c -> c <= ' ' || c == 0x7f))) {
            root.invalid("clientId", "expected 1 to " + MAX_CLIENT_ID + " characters without spaces");
            return null;
        }
        return id;
    }

    private static final String[] TRUST_KEYS = {"fingerprint", "ca", "insecure", "serverName"};

    private static ClientTlsConfig readTls(ConfigObject root) {
        Optional<ConfigObject> section = root.object("tls", TRUST_KEYS);
        if (section.isEmpty()) {
            if (!root.has("tls")) {
                root.reader().problem("tls", "expected one of fingerprint, ca or insecure: true", "nothing");
            }
            return null;
        }
        return readTrust(section.get(), "tls");
    }

    /**
     * A TLS peer's verification, for the server ({@code tls}) and for a local service ({@code backendTls}): exactly
     * one of a pinned fingerprint, a CA file or {@code insecure: true}, and the name to verify.
     *
     * @param path where the section is, for problems about the section as a whole
     */
    private static ClientTlsConfig readTrust(ConfigObject tls, String path) {
        int problemsBefore = tls.reader().problems().size();
        String fingerprint = null;
        String fingerprintText = tls.string("fingerprint");
        if (fingerprintText != null) {
            if (fingerprintText.strip().regionMatches(true, 0, ClientTlsConfig.FINGERPRINT_PREFIX, 0,
                    ClientTlsConfig.FINGERPRINT_PREFIX.length())) {
                try {
                    fingerprint = ClientTlsConfig.normaliseFingerprint(fingerprintText);
                } catch (IllegalArgumentException e) {
                    fingerprint = null;
                }
            }
            if (fingerprint == null) {
                tls.invalid("fingerprint", "expected sha256: followed by 64 hex digits");
            }
        }
        Path ca = tls.existingFile("ca", "a PEM file");
        boolean insecure = tls.bool("insecure", false);
        String serverName = tls.string("serverName");
        if (serverName != null && (serverName.isBlank() || serverName.chars().anyMatch(c -> c <= ' '))) {
            tls.invalid("serverName", "expected a host name");
            serverName = null;
        }

        List<String> chosen = new ArrayList<>();
        if (tls.has("fingerprint")) {
            chosen.add("fingerprint");
        }
        if (tls.has("ca")) {
            chosen.add("ca");
        }
        if (insecure) {
            chosen.add("insecure");
        }
        if (chosen.isEmpty()) {
            tls.reader().problem(path, "expected one of fingerprint, ca or insecure: true", "nothing");
            return null;
        }
        if (chosen.size() > 1) {
            tls.reader().problem(path, "expected only one of fingerprint, ca or insecure: true",
                    String.join(" and ", chosen));
            return null;
        }
        if (tls.reader().problems().size() > problemsBefore) {
            return null;
        }
        return new ClientTlsConfig(fingerprint, ca, insecure, serverName);
    }

    /**
     * {@code backendProtocol: http1 | h2c | h2} and, with h2, {@code backendTls}. HTTP/2 to the local service pools
     * connections and takes requests apart, so it goes only with an http tunnel whose requests the server terminates
     * and without a PROXY header (which belongs to one connection per public peer).
     */
    private static BackendProtocol readBackendProtocol(ConfigObject item, TunnelType type, HttpOptions http,
                                                       ProxyProtocolVersion proxyProtocol) {
        BackendProtocol protocol = item.choice("backendProtocol", false, BACKEND_PROTOCOLS);
        if (protocol == null || protocol == BackendProtocol.HTTP1) {
            if (item.has("backendTls")) {
                item.problem("backendTls", "only with backendProtocol: h2");
            }
            return protocol;
        }
        if (type != null && type != TunnelType.HTTP) {
            item.invalid("backendProtocol", "expected http1 or nothing (HTTP/2 to the local service is for http "
                    + "tunnels)");
        } else if (http != null && "passthrough".equals(http.https())) {
            item.invalid("backendProtocol", "expected http1 or nothing with https: passthrough (the local service "
                    + "gets the public TLS connection as it is)");
        }
        if (proxyProtocol != null) {
            item.problem("proxyProtocol", "expected nothing with backendProtocol " + protocol.configName()
                    + " (its connections to the local service are shared by many public peers)");
        }
        if (protocol == BackendProtocol.H2 && !item.has("backendTls")) {
            item.reader().problem(item.childPath("backendTls"),
                    "expected one of fingerprint, ca or insecure: true for backendProtocol h2", "nothing");
        } else if (protocol == BackendProtocol.H2C && item.has("backendTls")) {
            item.problem("backendTls", "only with backendProtocol: h2");
        }
        return protocol;
    }

    /** {@code backendTls} of a tunnel with backendProtocol h2; null otherwise (problems are reported above). */
    private static ClientTlsConfig readBackendTls(ConfigObject item, BackendProtocol protocol) {
        if (protocol != BackendProtocol.H2) {
            return null;
        }
        return item.object("backendTls", TRUST_KEYS)
                .map(section -> readTrust(section, item.childPath("backendTls")))
                .orElse(null);
    }

    /** @param pushesAllowed the client serves tunnels the server pushes, so it may declare none of its own */
    private static List<TunnelConfig> readTunnels(ConfigObject root, boolean pushesAllowed) {
        int problemsBefore = root.reader().problems().size();
        List<ConfigObject> items = root.objects("tunnels", "name", "type", "local", "remotePort", "subdomain",
                "customDomains", "locations", "hostHeaderRewrite", "requestHeaders", "responseHeaders", "basicAuth",
                "https", "group", "groupKey", "loadBalance", "healthCheck", "proxyProtocol", "ipAllow", "ipDeny",
                "bandwidthLimit", "rateLimit", "maxConnections", "backendProtocol", "backendTls");
        if (items.isEmpty() && !pushesAllowed && root.reader().problems().size() == problemsBefore) {
            root.reader().problem("tunnels", "expected a list of at least one tunnel, or allowTargets for a client "
                    + "that serves only the tunnels an operator creates through the admin API",
                    root.has("tunnels") ? "an empty list" : "nothing");
        }
        List<TunnelConfig> tunnels = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigObject item : items) {
            String name = item.requiredString("name");
            if (name != null && !TunnelNames.NAME.matcher(name).matches()) {
                item.invalid("name", "expected " + TunnelNames.NAME_EXPECTED);
                name = null;
            } else if (name != null && !names.add(name)) {
                item.invalid("name", "expected a name not used by another tunnel");
                name = null;
            }
            TunnelType type = item.choice("type", true, TYPES);
            HostPort local = item.hostPort("local", true, -1);
            int remotePort = item.integer("remotePort", TunnelConfig.DEFAULT_REMOTE_PORT, 0, 65535);
            int problems = root.reader().problems().size();
            HttpOptions http = readHttpOptions(item, type);
            GroupOptions group = readGroup(item, type);
            HealthCheckConfig healthCheck = readHealthCheck(item, type);
            ProxyProtocolVersion proxyProtocol = item.choice("proxyProtocol", false, PROXY_PROTOCOLS);
            if (proxyProtocol != null && type == TunnelType.UDP) {
                item.invalid("proxyProtocol", "expected nothing for a udp tunnel (PROXY headers go to stream tunnels)");
            }
            IpRules ipRules = readIpRules(item);
            long bandwidthLimit = readBandwidthLimit(item);
            int maxConnections = item.integer("maxConnections", 0, 1, TunnelSpec.MAX_CONNECTIONS);
            BackendProtocol backendProtocol = readBackendProtocol(item, type, http, proxyProtocol);
            ClientTlsConfig backendTls = readBackendTls(item, backendProtocol);
            if (name != null && type != null && local != null && root.reader().problems().size() == problems) {
                tunnels.add(new TunnelConfig(name, type, local, remotePort, http, group, healthCheck, proxyProtocol,
                        ipRules, bandwidthLimit, maxConnections, backendProtocol, backendTls));
            }
        }
        return tunnels;
    }

    /** {@code group}, {@code groupKey} and {@code loadBalance}: all absent, or a group with its key. */
    private static GroupOptions readGroup(ConfigObject item, TunnelType type) {
        String group = item.string("group");
        String key = item.secret("groupKey", group != null, 1);
        String loadBalance = item.choice("loadBalance", false, LOAD_BALANCE);
        if (group == null) {
            for (String dependent : List.of("groupKey", "loadBalance")) {
                if (item.has(dependent)) {
                    item.problem(dependent, "only with group");
                }
            }
            return null;
        }
        if (!TunnelNames.GROUP.matcher(group).matches()) {
            item.invalid("group", "expected " + TunnelNames.GROUP_EXPECTED);
            return null;
        }
        if (type == TunnelType.UDP) {
            item.problem("group", "expected only on tcp and http tunnels");
            return null;
        }
        return key == null ? null : new GroupOptions(group, key, loadBalance);
    }

    /** {@code healthCheck: {type, path, intervalSeconds, failures, timeoutSeconds}}; null when absent. */
    private static HealthCheckConfig readHealthCheck(ConfigObject item, TunnelType tunnelType) {
        Optional<ConfigObject> section = item.object("healthCheck", "type", "path", "intervalSeconds", "failures",
                "timeoutSeconds");
        if (section.isEmpty()) {
            return null;
        }
        if (tunnelType == TunnelType.UDP) {
            item.problem("healthCheck", "expected only on tcp and http tunnels");
            return null;
        }
        ConfigObject check = section.get();
        HealthCheckConfig.Type type = check.choice("type", true, HEALTH_CHECK_TYPES);
        String path = check.string("path");
        if (path != null && (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == 0x7f))) {
            check.invalid("path", "expected a path starting with / and without spaces");
            path = null;
        }
        if (path != null && type == HealthCheckConfig.Type.TCP) {
            check.problem("path", "only with type: http");
        }
        int interval = check.integer("intervalSeconds", (int) HealthCheckConfig.DEFAULT_INTERVAL.toSeconds(), 1,
                MAX_HEALTH_SECONDS);
        int failures = check.integer("failures", HealthCheckConfig.DEFAULT_FAILURES, 1, 100);
        int timeout = check.integer("timeoutSeconds", (int) HealthCheckConfig.DEFAULT_TIMEOUT.toSeconds(), 1,
                MAX_HEALTH_SECONDS);
        if (timeout > interval) {
            check.invalid("timeoutSeconds", "expected at most intervalSeconds (" + interval + ")");
            return null;
        }
        return type == null ? null : new HealthCheckConfig(type, path, Duration.ofSeconds(interval), failures,
                Duration.ofSeconds(timeout));
    }

    /** The http options of a tunnel item; null for other types, which must not carry them. */
    private static HttpOptions readHttpOptions(ConfigObject item, TunnelType type) {
        if (type != TunnelType.HTTP) {
            for (String key : HTTP_KEYS) {
                if (item.has(key)) {
                    item.invalid(key, "expected nothing (only http tunnels have " + key + ")");
                }
            }
            return null;
        }
        String subdomain = item.string("subdomain");
        List<String> customDomains = item.strings("customDomains");
        if (subdomain == null && customDomains.isEmpty()) {
            item.invalid("subdomain", "expected a subdomain or customDomains for an http tunnel");
        }
        List<String> locations = item.strings("locations");
        for (int i = 0; i < locations.size(); i++) {
            if (!locations.get(i).startsWith("/")) {
                item.problem("locations", "expected paths starting with /, got \"" + locations.get(i) + "\"");
            }
        }
        HttpOptions.BasicAuth basicAuth = item.object("basicAuth", "user", "password").map(auth -> {
            String user = auth.requiredString("user");
            String password = auth.secret("password", true, 1);
            return user == null || password == null ? null : new HttpOptions.BasicAuth(user, password);
        }).orElse(null);
        String https = item.choice("https", false, Map.of("terminate", "terminate", "passthrough", "passthrough"));
        String hostHeaderRewrite = item.string("hostHeaderRewrite");
        String hostProblem = hostHeaderRewrite == null ? null : HeaderRuleCheck.valueProblem(hostHeaderRewrite);
        if (hostProblem != null) {
            item.problem("hostHeaderRewrite", hostProblem);
        }
        RateLimit rateLimit = null;
        String rate = item.string("rateLimit");
        if (rate != null) {
            try {
                rateLimit = RateLimit.parse(rate);
            } catch (IllegalArgumentException e) {
                item.reader().problem(item.childPath("rateLimit"), e.getMessage(), "\"" + rate + "\"");
            }
        }
        return new HttpOptions(subdomain, customDomains, locations, hostHeaderRewrite,
                readHeaderRules(item, "requestHeaders", HeaderRuleCheck.Direction.REQUEST),
                readHeaderRules(item, "responseHeaders", HeaderRuleCheck.Direction.RESPONSE), basicAuth, https,
                rateLimit);
    }

    /** Rules the server would refuse are reported here already, by the same check. */
    private static HttpOptions.HeaderRules readHeaderRules(ConfigObject item, String key,
                                                           HeaderRuleCheck.Direction direction) {
        return item.object(key, "set", "remove").map(rules -> {
            HttpOptions.HeaderRules read = new HttpOptions.HeaderRules(rules.stringMap("set"), rules.strings("remove"));
            for (HeaderRuleCheck.Problem problem : HeaderRuleCheck.problems(read, direction)) {
                rules.problem(problem.field(), problem.message());
            }
            return read;
        }).orElse(null);
    }

    private static ReconnectConfig readReconnect(ConfigObject root) {
        Optional<ConfigObject> section = root.object("reconnect", "initial", "max", "factor", "jitter", "exitOnFatal");
        if (section.isEmpty()) {
            return ReconnectConfig.DEFAULTS;
        }
        ConfigObject r = section.get();
        ReconnectConfig d = ReconnectConfig.DEFAULTS;
        Duration initial = r.duration("initial", d.initial(), MIN_DURATION, MAX_BACKOFF);
        Duration max = r.duration("max", d.max(), MIN_DURATION, MAX_BACKOFF);
        double factor = r.decimal("factor", d.factor(), 1.0, 10.0);
        boolean jitter = r.bool("jitter", d.jitter());
        boolean exitOnFatal = r.bool("exitOnFatal", d.exitOnFatal());
        if (max.compareTo(initial) < 0) {
            if (r.has("max")) {
                r.invalid("max", "expected at least initial (" + Durations.format(initial) + ")");
            } else {
                r.invalid("initial", "expected at most max (" + Durations.format(max) + ")");
            }
            return d;
        }
        return new ReconnectConfig(initial, max, factor, jitter, exitOnFatal);
    }
}
