package dev.portway.client.config;

import dev.portway.protocol.config.ConfigException;
import dev.portway.protocol.config.ConfigObject;
import dev.portway.protocol.config.ConfigReader;
import dev.portway.protocol.config.Durations;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.TunnelType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates {@code client.yaml}: the one place where the client's file format is checked. Every problem
 * is collected and reported together; a record is only built from a file without problems.
 *
 * <pre>
 * server: tunnel.example.com:7000
 * token: ${secret}
 * clientId: laptop            # optional
 * tls:
 *   fingerprint: sha256:...   # or  ca: ca.pem   or  insecure: true
 *   serverName: tunnel.example.com
 * tunnels:
 *   - {name: ssh, type: tcp, local: 127.0.0.1:22, remotePort: 2222}
 * reconnect: {initial: 1s, max: 8s, factor: 2.0, jitter: true}
 * dialTimeout: 10s
 * keepAliveInterval: 10s
 * keepAliveMissed: 3
 * metrics: {port: 9101}       # optional: GET /metrics on 127.0.0.1:9101
 * allowTargets: [127.0.0.1:8080]   # optional: targets tunnels pushed by the server may reach
 * </pre>
 */
public final class ClientConfigLoader {
    private static final Duration MIN_DURATION = Duration.ofMillis(1);
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);
    private static final int MAX_CLIENT_ID = 128;
    private static final Map<String, TunnelType> TYPES = new LinkedHashMap<>();

    static {
        for (TunnelType t : TunnelType.values()) {
            TYPES.put(t.wireName(), t);
        }
    }

    private ClientConfigLoader() {
    }

    public static ClientConfig load(Path file) throws ConfigException {
        ConfigReader reader = ConfigReader.read(file);
        ClientConfig config = read(reader);
        reader.throwIfProblems();
        return config;
    }

    /** Returns null when the reader has collected problems; the caller throws them. */
    static ClientConfig read(ConfigReader reader) {
        ConfigObject root = reader.root("server", "token", "clientId", "tls", "tunnels", "reconnect", "dialTimeout",
                "keepAliveInterval", "keepAliveMissed", "metrics", "allowTargets");

        HostPort server = root.hostPort("server", true, ClientConfig.DEFAULT_SERVER_PORT);
        String token = root.secret("token", true, 1);
        String clientId = readClientId(root);
        ClientTlsConfig tls = readTls(root);
        List<TunnelConfig> tunnels = readTunnels(root);
        ReconnectConfig reconnect = readReconnect(root);
        Duration dialTimeout = root.duration("dialTimeout", ClientConfig.DEFAULT_DIAL_TIMEOUT, MIN_DURATION,
                MAX_TIMEOUT);
        Duration keepAliveInterval = root.duration("keepAliveInterval", ClientConfig.DEFAULT_KEEP_ALIVE_INTERVAL,
                MIN_DURATION, MAX_TIMEOUT);
        int keepAliveMissed = root.integer("keepAliveMissed", ClientConfig.DEFAULT_KEEP_ALIVE_MISSED, 1, 100);
        ClientMetricsConfig metrics = readMetrics(root);
        List<HostPort> allowTargets = readAllowTargets(root);

        if (reader.hasProblems()) {
            return null;
        }
        return new ClientConfig(server, token, clientId, tls, tunnels, reconnect, dialTimeout, keepAliveInterval,
                keepAliveMissed, metrics, allowTargets);
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

    private static String readClientId(ConfigObject root) {
        String id = root.string("clientId");
        if (id != null && (id.isBlank() || id.length() > MAX_CLIENT_ID
                || id.chars().anyMatch(c -> c <= ' ' || c == 0x7f))) {
            root.invalid("clientId", "expected 1 to " + MAX_CLIENT_ID + " characters without spaces");
            return null;
        }
        return id;
    }

    private static ClientTlsConfig readTls(ConfigObject root) {
        Optional<ConfigObject> section = root.object("tls", "fingerprint", "ca", "insecure", "serverName");
        if (section.isEmpty()) {
            if (!root.has("tls")) {
                root.reader().problem("tls", "expected one of fingerprint, ca or insecure: true", "nothing");
            }
            return null;
        }
        ConfigObject tls = section.get();
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
            tls.reader().problem("tls", "expected one of fingerprint, ca or insecure: true", "nothing");
            return null;
        }
        if (chosen.size() > 1) {
            tls.reader().problem("tls", "expected only one of fingerprint, ca or insecure: true",
                    String.join(" and ", chosen));
            return null;
        }
        if (tls.reader().problems().size() > problemsBefore) {
            return null;
        }
        return new ClientTlsConfig(fingerprint, ca, insecure, serverName);
    }

    private static List<TunnelConfig> readTunnels(ConfigObject root) {
        int problemsBefore = root.reader().problems().size();
        List<ConfigObject> items = root.objects("tunnels", "name", "type", "local", "remotePort");
        if (items.isEmpty() && root.reader().problems().size() == problemsBefore) {
            root.invalid("tunnels", "expected a list of at least one tunnel");
        }
        List<TunnelConfig> tunnels = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigObject item : items) {
            String name = item.requiredString("name");
            if (name != null && !TunnelConfig.NAME.matcher(name).matches()) {
                item.invalid("name", "expected 1 to 64 characters of a-z, A-Z, 0-9, _ and -");
                name = null;
            } else if (name != null && !names.add(name)) {
                item.invalid("name", "expected a name not used by another tunnel");
                name = null;
            }
            TunnelType type = item.choice("type", true, TYPES);
            HostPort local = item.hostPort("local", true, -1);
            int remotePort = item.integer("remotePort", TunnelConfig.DEFAULT_REMOTE_PORT, 0, 65535);
            if (name != null && type != null && local != null) {
                tunnels.add(new TunnelConfig(name, type, local, remotePort));
            }
        }
        return tunnels;
    }

    private static ReconnectConfig readReconnect(ConfigObject root) {
        Optional<ConfigObject> section = root.object("reconnect", "initial", "max", "factor", "jitter");
        if (section.isEmpty()) {
            return ReconnectConfig.DEFAULTS;
        }
        ConfigObject r = section.get();
        ReconnectConfig d = ReconnectConfig.DEFAULTS;
        Duration initial = r.duration("initial", d.initial(), MIN_DURATION, MAX_BACKOFF);
        Duration max = r.duration("max", d.max(), MIN_DURATION, MAX_BACKOFF);
        double factor = r.decimal("factor", d.factor(), 1.0, 10.0);
        boolean jitter = r.bool("jitter", d.jitter());
        if (max.compareTo(initial) < 0) {
            if (r.has("max")) {
                r.invalid("max", "expected at least initial (" + Durations.format(initial) + ")");
            } else {
                r.invalid("initial", "expected at most max (" + Durations.format(max) + ")");
            }
            return d;
        }
        return new ReconnectConfig(initial, max, factor, jitter);
    }
}
