package dev.portway.client.config;

import dev.portway.protocol.config.ConfigException;
import dev.portway.protocol.config.ConfigReader;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.GroupOptions;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.IpRules;
import dev.portway.protocol.control.RateLimit;
import dev.portway.protocol.control.TunnelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientConfigLoaderTest {
    private static final String FP_HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("client.yaml"), yaml);
    }

    private ClientConfig load(String yaml) throws Exception {
        return ClientConfigLoader.load(write(yaml));
    }

    private List<String> problems(String yaml) throws IOException {
        Path file = write(yaml);
        try {
            ClientConfigLoader.load(file);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
            return e.problems();
        }
        throw new AssertionError("expected a ConfigException");
    }

    private static String minimal(String tunnelsAndMore) {
        return """
                server: tunnel.example.com:7000
                token: secret-token-value
                tls:
                  fingerprint: sha256:%s
                """.formatted(FP_HEX) + tunnelsAndMore;
    }

    private static final String ONE_TUNNEL = """
            tunnels:
              - {name: ssh, type: tcp, local: 127.0.0.1:22}
            """;

    @Test
    void allowTargetsAreHostPortPairsAndEmptyByDefault() throws Exception {
        assertThat(load(minimal(ONE_TUNNEL)).allowTargets()).isEmpty();
        assertThat(load(minimal(ONE_TUNNEL) + "allowTargets: [\"127.0.0.1:8080\", \"db.lan:5432\"]\n").allowTargets())
                .containsExactly(new HostPort("127.0.0.1", 8080), new HostPort("db.lan", 5432));
        assertThat(problems(minimal(ONE_TUNNEL) + "allowTargets: [\"127.0.0.1:8080\", \"8080\"]\n"))
                .containsExactly("client.yaml: allowTargets[1]: expected host:port, got \"8080\"");
    }

    @Test
    void fullFileReadsEveryField() throws Exception {
        Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        ClientConfig c = load("""
                server: tunnel.example.com:7443
                token: secret-token-value
                clientId: laptop-1
                tls:
                  ca: ca.pem
                  serverName: tunnel.example.com
                tunnels:
                  - name: ssh
                    type: tcp
                    local: 127.0.0.1:22
                    remotePort: 2222
                  - name: web_8080
                    type: tcp
                    local: "[::1]:8080"
                reconnect:
                  initial: 500ms
                  max: 2m
                  factor: 1.5
                  jitter: false
                  exitOnFatal: false
                dialTimeout: 5s
                keepAliveInterval: 15
                keepAliveMissed: 4
                metrics:
                  port: 9101
                """);
        assertThat(c.server()).isEqualTo(ServerAddress.direct(new HostPort("tunnel.example.com", 7443)));
        assertThat(c.proxy()).isNull();
        assertThat(c.token()).isEqualTo("secret-token-value");
        assertThat(c.clientId()).isEqualTo("laptop-1");
        assertThat(c.tls()).isEqualTo(new ClientTlsConfig(null, dir.resolve("ca.pem").toAbsolutePath(), false,
                "tunnel.example.com"));
        assertThat(c.tunnels()).containsExactly(
                new TunnelConfig("ssh", TunnelType.TCP, new HostPort("127.0.0.1", 22), 2222),
                new TunnelConfig("web_8080", TunnelType.TCP, new HostPort("::1", 8080), 0));
        assertThat(c.reconnect()).isEqualTo(
                new ReconnectConfig(Duration.ofMillis(500), Duration.ofMinutes(2), 1.5, false, false));
        assertThat(c.dialTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.keepAliveInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.keepAliveMissed()).isEqualTo(4);
        assertThat(c.metrics()).isEqualTo(new ClientMetricsConfig(9101));
        assertThat(c.toString()).doesNotContain("secret-token-value");
    }

    @Test
    void minimalFileGetsTheDefaults() throws Exception {
        ClientConfig c = load("""
                server: tunnel.example.com
                token: t
                tls:
                  fingerprint: "SHA256:%s"
                tunnels:
                  - {name: ssh, type: tcp, local: 127.0.0.1:22}
                """.formatted(FP_HEX.toUpperCase().replaceAll("(..)(?!$)", "$1:")));
        assertThat(c.servers()).containsExactly(ServerAddress.direct(new HostPort("tunnel.example.com", 7000)));
        assertThat(c.clientId()).isNull();
        assertThat(c.tls().fingerprint()).isEqualTo(FP_HEX);
        assertThat(c.tls().fingerprintWithPrefix()).isEqualTo("sha256:" + FP_HEX);
        assertThat(c.tls().serverName()).isNull();
        assertThat(c.tunnels().get(0).remotePort()).isZero();
        assertThat(c.reconnect()).isEqualTo(ReconnectConfig.DEFAULTS);
        assertThat(c.reconnect()).isEqualTo(new ReconnectConfig(Duration.ofSeconds(1), Duration.ofSeconds(8), 2.0, true,
                true));
        assertThat(c.dialTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.keepAliveInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.keepAliveMissed()).isEqualTo(3);
        assertThat(c.metrics()).isNull();
    }

    @Test
    void metricsNeedsAPortInRange() throws Exception {
        assertThat(problems(minimal(ONE_TUNNEL + "metrics: {}\n"))).containsExactly(
                "client.yaml: metrics.port: expected a port between 0 and 65535, got nothing");
        assertThat(problems(minimal(ONE_TUNNEL + "metrics: {port: 70000, bind: 0.0.0.0}\n"))).containsExactlyInAnyOrder(
                "client.yaml: metrics.bind: unknown field; expected one of port",
                "client.yaml: metrics.port: expected an integer between 0 and 65535, got 70000");
    }

    @Test
    void insecureIsAcceptedOnlyWhenExplicit() throws Exception {
        ClientConfig c = load("""
                server: 127.0.0.1:7000
                token: t
                tls: {insecure: true}
                """ + ONE_TUNNEL);
        assertThat(c.tls().insecure()).isTrue();
        assertThat(c.tls().fingerprint()).isNull();
        assertThat(c.tls().ca()).isNull();
    }

    @Test
    void localWithoutPortIsRejectedWithItsPath() throws Exception {
        assertThat(problems(minimal("""
                tunnels:
                  - {name: web, type: tcp, local: 127.0.0.1:80}
                  - {name: ssh, type: tcp, local: "22"}
                """))).containsExactly("client.yaml: tunnels[1].local: expected host:port, got \"22\"");
        assertThat(problems(minimal("""
                tunnels:
                  - {name: ssh, type: tcp, local: 22}
                """))).containsExactly("client.yaml: tunnels[0].local: expected host:port, got \"22\"");
    }

    @Test
    void unknownKeyIsRejected() throws Exception {
        assertThat(problems(minimal("""
                tunnels:
                  - {name: ssh, type: tcp, local: 127.0.0.1:22, remote_port: 22}
                """))).containsExactly(
                "client.yaml: tunnels[0].remote_port: unknown field; expected one of name, type, local, remotePort, "
                        + "subdomain, customDomains, locations, hostHeaderRewrite, requestHeaders, responseHeaders, "
                        + "basicAuth, https, group, groupKey, loadBalance, healthCheck, proxyProtocol, ipAllow, ipDeny, "
                        + "bandwidthLimit, rateLimit, maxConnections, backendProtocol, backendTls");
        assertThat(problems(minimal(ONE_TUNNEL + "keepalive: 5s\n"))).containsExactly(
                "client.yaml: keepalive: unknown field; expected one of server, proxy, token, clientId, tls, tunnels, "
                        + "reconnect, dialTimeout, keepAliveInterval, keepAliveMissed, metrics, allowTargets, inspect");
    }

    @Test
    void inspectIsOffUnlessAskedForAndTakesItsDefaultsOnLoopback() throws Exception {
        assertThat(load(minimal(ONE_TUNNEL)).inspect()).isNull();
        assertThat(load(minimal(ONE_TUNNEL + "inspect: {}\n")).inspect())
                .isEqualTo(new InspectConfig("127.0.0.1", 4040, 500, 1024 * 1024));
        assertThat(load(minimal(ONE_TUNNEL + "inspect: {port: 4141, address: 0.0.0.0, maxRequests: 20, "
                + "maxBodyBytes: 64KB}\n")).inspect()).isEqualTo(new InspectConfig("0.0.0.0", 4141, 20, 65536));
    }

    @Test
    void inspectLimitsOutOfRangeNameTheirField() throws Exception {
        assertThat(problems(minimal(ONE_TUNNEL + "inspect: {port: 70000, maxRequests: 0, maxBodyBytes: 1GB, "
                + "address: \"\", size: 3}\n"))).containsExactlyInAnyOrder(
                "client.yaml: inspect.size: unknown field; expected one of port, address, maxRequests, maxBodyBytes",
                "client.yaml: inspect.port: expected an integer between 0 and 65535, got 70000",
                "client.yaml: inspect.maxRequests: expected an integer between 1 and 100000, got 0",
                "client.yaml: inspect.maxBodyBytes: expected a size between 0 and 64MB such as 100MB or 512KB, got "
                        + "\"1GB\"",
                "client.yaml: inspect.address: expected a host name or IP address to listen on, got \"\"");
    }

    @Test
    void missingTlsFailsClosed() throws Exception {
        assertThat(problems("""
                server: tunnel.example.com
                token: t
                """ + ONE_TUNNEL)).containsExactly(
                "client.yaml: tls: expected one of fingerprint, ca or insecure: true, got nothing");
        assertThat(problems("""
                server: tunnel.example.com
                token: t
                tls: {insecure: false, serverName: x.example}
                """ + ONE_TUNNEL)).containsExactly(
                "client.yaml: tls: expected one of fingerprint, ca or insecure: true, got nothing");
    }

    @Test
    void moreThanOneTlsModeIsRejected() throws Exception {
        assertThat(problems("""
                server: tunnel.example.com
                token: t
                tls: {fingerprint: "sha256:%s", insecure: true}
                """.formatted(FP_HEX) + ONE_TUNNEL)).containsExactly(
                "client.yaml: tls: expected only one of fingerprint, ca or insecure: true, got fingerprint and insecure");
    }

    @Test
    void malformedFingerprintIsRejected() throws Exception {
        assertThat(problems("""
                server: tunnel.example.com
                token: t
                tls: {fingerprint: "abcd"}
                """ + ONE_TUNNEL)).containsExactly(
                "client.yaml: tls.fingerprint: expected sha256: followed by 64 hex digits, got \"abcd\"");
        assertThat(problems("""
                server: tunnel.example.com
                token: t
                tls: {fingerprint: "%s"}
                """.formatted(FP_HEX) + ONE_TUNNEL)).containsExactly(
                "client.yaml: tls.fingerprint: expected sha256: followed by 64 hex digits, got \"" + FP_HEX + "\"");
    }

    @Test
    void caFileMustExistAndResolvesAgainstTheConfigDirectory() throws Exception {
        assertThat(problems("""
                server: tunnel.example.com
                token: t
                tls: {ca: certs/ca.pem}
                """ + ONE_TUNNEL)).containsExactly("client.yaml: tls.ca: expected a PEM file that exists, got \""
                + dir.toAbsolutePath().resolve("certs/ca.pem") + "\"");
    }

    @Test
    void requiredFieldsAreNamed() throws Exception {
        assertThat(problems("tls: {insecure: true}\n")).containsExactly(
                "client.yaml: server: expected host[:port], tls://host[:port] or wss://host[:port][/path] (or a list of them), got nothing",
                "client.yaml: token: expected a secret of at least 1 characters, got nothing",
                "client.yaml: tunnels: expected a list of at least one tunnel, or allowTargets for a client that "
                        + "serves only the tunnels an operator creates through the admin API, got nothing");
        assertThat(problems(minimal("tunnels: []\n"))).containsExactly(
                "client.yaml: tunnels: expected a list of at least one tunnel, or allowTargets for a client that "
                        + "serves only the tunnels an operator creates through the admin API, got an empty list");
    }

    @Test
    void aTunnelsAddressRulesAreReadAndABadNetworkNamed() throws Exception {
        ClientConfig c = load(minimal("""
                tunnels:
                  - {name: ssh, type: tcp, local: "127.0.0.1:22", ipAllow: ["10.0.0.0/8"], ipDeny: ["10.9.0.0/16"]}
                """));
        assertThat(c.tunnels().get(0).spec().ipRules()).isEqualTo(new IpRules(List.of("10.0.0.0/8"),
                List.of("10.9.0.0/16")));
        assertThat(problems(minimal("""
                tunnels:
                  - {name: ssh, type: tcp, local: "127.0.0.1:22", ipDeny: ["example.com"]}
                """))).containsExactly("client.yaml: tunnels[0].ipDeny[0]: expected an IP network such as "
                + "10.0.0.0/8, got \"example.com\"");
    }

    @Test
    void anHttpTunnelsRateLimitIsRequestsPerSecondMinuteOrHour() throws Exception {
        ClientConfig c = load(minimal("""
                tunnels:
                  - {name: web, type: http, local: "127.0.0.1:80", subdomain: web, rateLimit: 600/m}
                """));
        assertThat(c.tunnels().get(0).http().rateLimit()).isEqualTo(new RateLimit(600, 60));
        assertThat(problems(minimal("""
                tunnels:
                  - {name: web, type: http, local: "127.0.0.1:80", subdomain: web, rateLimit: lots}
                """))).containsExactly("client.yaml: tunnels[0].rateLimit: expected requests per second, minute or "
                + "hour such as 100/s or 600/m, got \"lots\"");
        assertThat(problems(minimal("""
                tunnels:
                  - {name: ssh, type: tcp, local: "127.0.0.1:22", rateLimit: 10/s}
                """))).singleElement().asString().contains("only http tunnels have rateLimit");
    }

    @Test
    void maxConnectionsIsAPositiveCount() throws Exception {
        ClientConfig c = load(minimal("""
                tunnels:
                  - {name: ssh, type: tcp, local: "127.0.0.1:22", maxConnections: 3}
                """));
        assertThat(c.tunnels().get(0).spec().maxConnections()).isEqualTo(3);
        assertThat(problems(minimal("""
                tunnels:
                  - {name: ssh, type: tcp, local: "127.0.0.1:22", maxConnections: 0}
                """))).singleElement().asString()
                .isEqualTo("client.yaml: tunnels[0].maxConnections: expected an integer between 1 and 1000000, got 0");
    }

    @Test
    void aBandwidthLimitIsWrittenAsFrpWritesIt() throws Exception {
        ClientConfig c = load(minimal("""
                tunnels:
                  - {name: a, type: tcp, local: "127.0.0.1:22", bandwidthLimit: 512KB}
                  - {name: b, type: tcp, local: "127.0.0.1:23", bandwidthLimit: 2000}
                  - {name: c, type: tcp, local: "127.0.0.1:24"}
                """));
        assertThat(c.tunnels()).extracting(TunnelConfig::bandwidthLimit).containsExactly(512L * 1024, 2000L, 0L);
        assertThat(problems(minimal("""
                tunnels:
                  - {name: a, type: tcp, local: "127.0.0.1:22", bandwidthLimit: 1 MB/s}
                """))).containsExactly("client.yaml: tunnels[0].bandwidthLimit: expected a rate such as 512KB or 1MB "
                + "(per second), or a number of bytes, got \"1 MB/s\"");
    }

    @Test
    void aClientThatServesOnlyPushedTunnelsDeclaresNone() throws Exception {
        ClientConfig c = load(minimal("tunnels: []\nallowTargets: [\"127.0.0.1:8080\"]\n"));
        assertThat(c.tunnels()).isEmpty();
        assertThat(c.allowTargets()).containsExactly(new HostPort("127.0.0.1", 8080));
        assertThat(load(minimal("allowTargets: [\"127.0.0.1:8080\"]\n")).tunnels()).isEmpty();
    }

    @Test
    void httpTunnelsCarryTheirRoutingAndRewriting() throws Exception {
        ClientConfig c = load(minimal("""
                tunnels:
                  - name: web
                    type: http
                    local: 127.0.0.1:8080
                    subdomain: app
                    customDomains: [www.example.org, "*.example.net"]
                    locations: [/api, /static]
                    hostHeaderRewrite: localhost
                    requestHeaders: {set: {X-From: portway}, remove: [Cookie]}
                    responseHeaders: {remove: [Server]}
                    basicAuth: {user: me, password: open-sesame}
                """));
        HttpOptions http = c.tunnels().get(0).http();
        assertThat(http.subdomain()).isEqualTo("app");
        assertThat(http.customDomains()).containsExactly("www.example.org", "*.example.net");
        assertThat(http.locations()).containsExactly("/api", "/static");
        assertThat(http.hostHeaderRewrite()).isEqualTo("localhost");
        assertThat(http.requestHeaders().set()).containsEntry("X-From", "portway");
        assertThat(http.requestHeaders().remove()).containsExactly("Cookie");
        assertThat(http.responseHeaders().remove()).containsExactly("Server");
        assertThat(http.basicAuth()).isEqualTo(new HttpOptions.BasicAuth("me", "open-sesame"));
        assertThat(c.tunnels().get(0).spec().http()).isEqualTo(http);
    }

    @Test
    void httpOptionsAreCheckedAndBelongToHttpTunnelsOnly() throws Exception {
        assertThat(problems(minimal("""
                tunnels:
                  - {name: web, type: http, local: 127.0.0.1:8080, locations: [api]}
                  - {name: ssh, type: tcp, local: 127.0.0.1:22, subdomain: app}
                  - {name: auth, type: http, local: 127.0.0.1:8080, subdomain: a, basicAuth: {user: me}}
                """))).containsExactly(
                "client.yaml: tunnels[0].subdomain: expected a subdomain or customDomains for an http tunnel, got nothing",
                "client.yaml: tunnels[0].locations: expected paths starting with /, got \"api\"",
                "client.yaml: tunnels[1].subdomain: expected nothing (only http tunnels have subdomain), got \"app\"",
                "client.yaml: tunnels[2].basicAuth.password: expected a secret of at least 1 characters, got nothing");
    }

    @Test
    void headerRulesTheServerWouldRefuseAreReportedEarly() throws Exception {
        assertThat(problems(minimal("""
                tunnels:
                  - name: web
                    type: http
                    local: 127.0.0.1:8080
                    subdomain: app
                    hostHeaderRewrite: "local\\nhost"
                    requestHeaders: {set: {Host: example.org}, remove: [X-Ok, Transfer-Encoding]}
                    responseHeaders: {set: {X-A: "a\\r\\nContent-Length: 0", "Bad Name": x}}
                """))).containsExactly(
                "client.yaml: tunnels[0].hostHeaderRewrite: expected a value without control characters (CR, LF, NUL, "
                        + "...), got \"local\\nhost\"",
                "client.yaml: tunnels[0].requestHeaders.set.Host: expected a header other than Host (use "
                        + "hostHeaderRewrite) and the forwarding headers the server sets or drops (X-Forwarded-For/-Proto/"
                        + "-Host/-Port/-Prefix, X-Real-IP, Forwarded, also spelt with _), got \"Host\"",
                "client.yaml: tunnels[0].requestHeaders.remove[1]: expected a header other than the framing and "
                        + "connection headers (Content-Length, Transfer-Encoding, Connection, Upgrade, Trailer, "
                        + "Keep-Alive, TE, Proxy-Connection), which the server sets, got \"Transfer-Encoding\"",
                "client.yaml: tunnels[0].responseHeaders.set.Bad Name: expected a header name made of letters, digits "
                        + "and !#$%&'*+-.^_`|~, got \"Bad Name\"",
                "client.yaml: tunnels[0].responseHeaders.set.X-A: expected a value without control characters (CR, LF, "
                        + "NUL, ...), got \"a\\r\\nContent-Length: 0\"");
    }

    @Test
    void tunnelFieldsAreChecked() throws Exception {
        assertThat(problems(minimal("""
                tunnels:
                  - {name: "bad name", type: tcp, local: 127.0.0.1:22}
                  - {name: ssh, type: ftp, local: 127.0.0.1:22, remotePort: 70000}
                  - {name: ssh, type: tcp, local: 127.0.0.1:23}
                  - {type: tcp, local: 127.0.0.1:24}
                  - {name: web}
                """))).containsExactly(
                "client.yaml: tunnels[0].name: expected 1 to 64 characters of a-z, A-Z, 0-9, _ and -, got \"bad name\"",
                "client.yaml: tunnels[1].type: expected one of tcp, http, udp, got \"ftp\"",
                "client.yaml: tunnels[1].remotePort: expected an integer between 0 and 65535, got 70000",
                "client.yaml: tunnels[2].name: expected a name not used by another tunnel, got \"ssh\"",
                "client.yaml: tunnels[3].name: expected a non-empty string, got nothing",
                "client.yaml: tunnels[4].type: expected one of tcp, http, udp, got nothing",
                "client.yaml: tunnels[4].local: expected host:port, got nothing");
    }

    @Test
    void groupAndHealthCheckAreReadWithTheirDefaults() throws Exception {
        ClientConfig c = load(minimal("""
                tunnels:
                  - name: web
                    type: tcp
                    local: 127.0.0.1:8080
                    remotePort: 8080
                    group: web-pool
                    groupKey: pool-secret
                    loadBalance: least-connections
                    healthCheck: {type: http, path: /health, intervalSeconds: 5, failures: 2, timeoutSeconds: 1}
                  - name: ssh
                    type: tcp
                    local: 127.0.0.1:22
                    group: ssh-pool
                    groupKey: other-secret
                    healthCheck: {type: tcp}
                """));
        TunnelConfig web = c.tunnels().get(0);
        assertThat(web.group()).isEqualTo(new GroupOptions("web-pool", "pool-secret", "least-connections"));
        assertThat(web.healthCheck()).isEqualTo(new HealthCheckConfig(HealthCheckConfig.Type.HTTP, "/health",
                Duration.ofSeconds(5), 2, Duration.ofSeconds(1)));
        assertThat(web.spec().group()).isEqualTo(web.group());
        TunnelConfig ssh = c.tunnels().get(1);
        assertThat(ssh.group().loadBalance()).isNull();
        assertThat(ssh.healthCheck()).isEqualTo(new HealthCheckConfig(HealthCheckConfig.Type.TCP, "/",
                HealthCheckConfig.DEFAULT_INTERVAL, HealthCheckConfig.DEFAULT_FAILURES,
                HealthCheckConfig.DEFAULT_TIMEOUT));
        assertThat(load(minimal(ONE_TUNNEL)).tunnels().get(0).healthCheck()).isNull();
    }

    @Test
    void groupAndHealthCheckFieldsAreChecked() throws Exception {
        assertThat(problems(minimal("""
                tunnels:
                  - {name: a, type: tcp, local: 127.0.0.1:1, group: web}
                  - {name: b, type: tcp, local: 127.0.0.1:2, groupKey: k, loadBalance: random}
                  - {name: c, type: tcp, local: 127.0.0.1:3, group: "two words", groupKey: k}
                  - {name: d, type: udp, local: 127.0.0.1:4, group: dns, groupKey: k, healthCheck: {type: tcp}}
                  - {name: e, type: tcp, local: 127.0.0.1:5, healthCheck: {type: ping, intervalSeconds: 0}}
                  - {name: f, type: tcp, local: 127.0.0.1:6, healthCheck: {type: tcp, path: /x, every: 5}}
                  - {name: g, type: tcp, local: 127.0.0.1:7, healthCheck: {type: http, path: x, failures: 0}}
                  - {name: h, type: tcp, local: 127.0.0.1:8, healthCheck: {type: http, intervalSeconds: 2,
                     timeoutSeconds: 3}}
                  - {name: i, type: tcp, local: 127.0.0.1:9, healthCheck: true}
                """))).containsExactly(
                "client.yaml: tunnels[0].groupKey: expected a secret of at least 1 characters, got nothing",
                "client.yaml: tunnels[1].loadBalance: expected one of round-robin, least-connections, got \"random\"",
                "client.yaml: tunnels[1].groupKey: only with group",
                "client.yaml: tunnels[1].loadBalance: only with group",
                "client.yaml: tunnels[2].group: expected 1 to 64 characters of a-z, A-Z, 0-9, ., _ and -, "
                        + "got \"two words\"",
                "client.yaml: tunnels[3].group: expected only on tcp and http tunnels",
                "client.yaml: tunnels[3].healthCheck: expected only on tcp and http tunnels",
                "client.yaml: tunnels[4].healthCheck.type: expected one of tcp, http, got \"ping\"",
                "client.yaml: tunnels[4].healthCheck.intervalSeconds: expected an integer between 1 and 3600, got 0",
                "client.yaml: tunnels[5].healthCheck.every: unknown field; expected one of type, path, intervalSeconds, "
                        + "failures, timeoutSeconds",
                "client.yaml: tunnels[5].healthCheck.path: only with type: http",
                "client.yaml: tunnels[6].healthCheck.path: expected a path starting with / and without spaces, "
                        + "got \"x\"",
                "client.yaml: tunnels[6].healthCheck.failures: expected an integer between 1 and 100, got 0",
                "client.yaml: tunnels[7].healthCheck.timeoutSeconds: expected at most intervalSeconds (2), got 3",
                "client.yaml: tunnels[8].healthCheck: expected a mapping, got true");
    }

    @Test
    void proxyProtocolIsV1OrV2OnStreamTunnelsOnly() throws Exception {
        assertThat(problems(minimal("""
                tunnels:
                  - {name: a, type: tcp, local: 127.0.0.1:22, proxyProtocol: v3}
                  - {name: b, type: udp, local: 127.0.0.1:53, proxyProtocol: v2}
                """))).containsExactly(
                "client.yaml: tunnels[0].proxyProtocol: expected one of v1, v2, got \"v3\"",
                "client.yaml: tunnels[1].proxyProtocol: expected nothing for a udp tunnel (PROXY headers go to stream "
                        + "tunnels), got \"v2\"");
    }

    @Test
    void backendProtocolIsHttp1ByDefaultAndHttp2OnlyOnTerminatedHttpTunnels() throws Exception {
        Files.writeString(dir.resolve("local-ca.pem"), "not read by the loader");
        List<TunnelConfig> tunnels = load(minimal("""
                tunnels:
                  - {name: web, type: http, local: 127.0.0.1:8080, subdomain: web}
                  - {name: grpc, type: http, local: 127.0.0.1:50051, subdomain: grpc, backendProtocol: h2c}
                  - name: grpcs
                    type: http
                    local: 127.0.0.1:50052
                    subdomain: grpcs
                    backendProtocol: h2
                    backendTls: {ca: local-ca.pem, serverName: grpc.lan}
                """)).tunnels();
        assertThat(tunnels).extracting(TunnelConfig::backendProtocol)
                .containsExactly(BackendProtocol.HTTP1, BackendProtocol.H2C, BackendProtocol.H2);
        assertThat(tunnels.get(1).backendTls()).isNull();
        assertThat(tunnels.get(2).backendTls()).isEqualTo(
                new ClientTlsConfig(null, dir.toAbsolutePath().resolve("local-ca.pem"), false, "grpc.lan"));

        assertThat(problems(minimal("""
                tunnels:
                  - {name: a, type: http, local: 127.0.0.1:1, subdomain: a, backendProtocol: h3}
                  - {name: b, type: tcp, local: 127.0.0.1:2, backendProtocol: h2c}
                  - {name: c, type: http, local: 127.0.0.1:3, subdomain: c, https: passthrough, backendProtocol: h2c}
                  - {name: d, type: http, local: 127.0.0.1:4, subdomain: d, backendProtocol: h2c, proxyProtocol: v2}
                  - {name: e, type: http, local: 127.0.0.1:5, subdomain: e, backendProtocol: h2}
                  - {name: f, type: http, local: 127.0.0.1:6, subdomain: f, backendProtocol: h2c,
                     backendTls: {insecure: true}}
                  - {name: g, type: http, local: 127.0.0.1:7, subdomain: g, backendTls: {insecure: true}}
                  - {name: h, type: http, local: 127.0.0.1:8, subdomain: h, backendProtocol: h2,
                     backendTls: {insecure: true, fingerprint: "sha256:%s"}}
                """.formatted(FP_HEX)))).containsExactly(
                "client.yaml: tunnels[0].backendProtocol: expected one of http1, h2c, h2, got \"h3\"",
                "client.yaml: tunnels[1].backendProtocol: expected http1 or nothing (HTTP/2 to the local service is "
                        + "for http tunnels), got \"h2c\"",
                "client.yaml: tunnels[2].backendProtocol: expected http1 or nothing with https: passthrough (the "
                        + "local service gets the public TLS connection as it is), got \"h2c\"",
                "client.yaml: tunnels[3].proxyProtocol: expected nothing with backendProtocol h2c (its connections to "
                        + "the local service are shared by many public peers)",
                "client.yaml: tunnels[4].backendTls: expected one of fingerprint, ca or insecure: true for "
                        + "backendProtocol h2, got nothing",
                "client.yaml: tunnels[5].backendTls: only with backendProtocol: h2",
                "client.yaml: tunnels[6].backendTls: only with backendProtocol: h2",
                "client.yaml: tunnels[7].backendTls: expected only one of fingerprint, ca or insecure: true, got "
                        + "fingerprint and insecure");
    }

    @Test
    void reconnectAndTimingsAreChecked() throws Exception {
        assertThat(problems(minimal(ONE_TUNNEL + """
                reconnect: {initial: 5s, max: 1s, factor: 0.5, jitter: sometimes, exitOnFatal: never}
                dialTimeout: 0s
                keepAliveInterval: soon
                keepAliveMissed: 0
                """))).containsExactly(
                "client.yaml: reconnect.factor: expected a number between 1 and 10, got 0.5",
                "client.yaml: reconnect.jitter: expected true or false, got \"sometimes\"",
                "client.yaml: reconnect.exitOnFatal: expected true or false, got \"never\"",
                "client.yaml: reconnect.max: expected at least initial (5s), got \"1s\"",
                "client.yaml: dialTimeout: expected a duration between 1ms and 10m, got \"0s\"",
                "client.yaml: keepAliveInterval: expected a duration such as 10s, 500ms, 2m, 1h or a number of "
                        + "seconds, got \"soon\"",
                "client.yaml: keepAliveMissed: expected an integer between 1 and 100, got 0");
    }

    @Test
    void severalProblemsAcrossTheFileAreReportedTogether() throws Exception {
        List<String> problems = problems("""
                server: "tunnel.example.com:http"
                token: ""
                tls: {fingerprint: "sha256:xyz"}
                tunnels:
                  - {name: ssh, type: tcp, local: "22", remote_port: 22}
                dialTimeout: forever
                """);
        assertThat(problems).containsExactly(
                "client.yaml: server: expected host[:port], tls://host[:port] or wss://host[:port][/path], got \"tunnel.example.com:http\"",
                "client.yaml: token: expected a secret of at least 1 characters, got a secret of 0 characters",
                "client.yaml: tls.fingerprint: expected sha256: followed by 64 hex digits, got \"sha256:xyz\"",
                "client.yaml: tunnels[0].remote_port: unknown field; expected one of name, type, local, remotePort, "
                        + "subdomain, customDomains, locations, hostHeaderRewrite, requestHeaders, responseHeaders, "
                        + "basicAuth, https, group, groupKey, loadBalance, healthCheck, proxyProtocol, ipAllow, ipDeny, "
                        + "bandwidthLimit, rateLimit, maxConnections, backendProtocol, backendTls",
                "client.yaml: tunnels[0].local: expected host:port, got \"22\"",
                "client.yaml: dialTimeout: expected a duration such as 10s, 500ms, 2m, 1h or a number of seconds, "
                        + "got \"forever\"");
    }

    @Test
    void yamlSyntaxErrorHasLineAndColumn() throws Exception {
        assertThat(problems("server: [unclosed\ntoken: t\n")).singleElement().asString()
                .startsWith("client.yaml: line ")
                .contains(", column ")
                .contains("invalid YAML: ");
    }

    @Test
    void tlsConfigRecordFailsClosedWhenBuiltInCode() {
        assertThatThrownBy(() -> new ClientTlsConfig(null, null, false, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ClientTlsConfig.pinned("sha256:" + FP_HEX.toUpperCase()).fingerprint()).isEqualTo(FP_HEX);
    }

    private static ClientConfig read(String yaml, Map<String, String> env) throws Exception {
        ConfigReader reader = ConfigReader.parse("client.yaml", yaml, Path.of("."));
        ClientConfig config = ClientConfigLoader.read(reader, env);
        reader.throwIfProblems();
        return config;
    }

    @Test
    void serverMayListSeveralAddressesOfEitherTransport() throws Exception {
        ClientConfig c = load("""
                server: [a.example:7001, "wss://b.example", "wss://c.example:8443/edge/connect", tls://d.example]
                token: t
                tls: {fingerprint: "sha256:%s"}
                """.formatted(FP_HEX) + ONE_TUNNEL);
        assertThat(c.servers()).containsExactly(
                ServerAddress.direct(new HostPort("a.example", 7001)),
                new ServerAddress(ServerAddress.Kind.WEBSOCKET, new HostPort("b.example", 443), "/_portway/connect"),
                new ServerAddress(ServerAddress.Kind.WEBSOCKET, new HostPort("c.example", 8443), "/edge/connect"),
                ServerAddress.direct(new HostPort("d.example", 7000)));
        assertThat(c.servers().get(2)).hasToString("wss://c.example:8443/edge/connect");
    }

    @Test
    void badServerAddressesAreNamedByTheirIndex() throws Exception {
        assertThat(problems("""
                server: [a.example, "ftp://b.example", "wss://c.example/x?y"]
                token: t
                tls: {insecure: true}
                """ + ONE_TUNNEL)).containsExactly(
                "client.yaml: server[1]: expected host[:port], tls://host[:port] or wss://host[:port][/path], "
                        + "got \"ftp://b.example\"",
                "client.yaml: server[2]: expected host[:port], tls://host[:port] or wss://host[:port][/path], "
                        + "got \"wss://c.example/x?y\"");
        assertThat(problems("server: []\ntoken: t\ntls: {insecure: true}\n" + ONE_TUNNEL)).containsExactly(
                "client.yaml: server: expected host[:port], tls://host[:port] or wss://host[:port][/path] "
                        + "(or a list of them), got a list");
    }

    @Test
    void proxyFromTheFileWinsOverTheEnvironment() throws Exception {
        Map<String, String> env = Map.of("HTTPS_PROXY", "http://env.proxy:8080");
        ClientConfig c = read(minimal("proxy: \"socks5://me:p%40ss@10.0.0.1:1081\"\n" + ONE_TUNNEL), env);
        assertThat(c.proxy().kind()).isEqualTo(ProxyConfig.Kind.SOCKS5);
        assertThat(c.proxy().address()).isEqualTo(new HostPort("10.0.0.1", 1081));
        assertThat(c.proxy().user()).isEqualTo("me");
        assertThat(c.proxy().password()).isEqualTo("p@ss");
        assertThat(c.proxy().toString()).doesNotContain("p@ss").contains("me:***@");
        assertThat(read(minimal("proxy: none\n" + ONE_TUNNEL), env).proxy()).isNull();
    }

    @Test
    void environmentProxiesApplyWithNoProxyExceptions() throws Exception {
        ClientConfig c = read(minimal(ONE_TUNNEL), Map.of("ALL_PROXY", "socks5://s.lan", "https_proxy",
                "proxy.lan:3128", "NO_PROXY", "localhost,.internal.example"));
        assertThat(c.proxy().kind()).isEqualTo(ProxyConfig.Kind.HTTP);
        assertThat(c.proxy().address()).isEqualTo(new HostPort("proxy.lan", 3128));
        assertThat(c.proxy().source()).isEqualTo("https_proxy");
        assertThat(c.proxy().bypasses("localhost")).isTrue();
        assertThat(c.proxy().bypasses("a.internal.example")).isTrue();
        assertThat(c.proxy().bypasses("internal.example")).isTrue();
        assertThat(c.proxy().bypasses("tunnel.example.com")).isFalse();
        assertThat(read(minimal(ONE_TUNNEL), Map.of("ALL_PROXY", "socks5://s.lan")).proxy().address())
                .isEqualTo(new HostPort("s.lan", 1080));
        assertThat(read(minimal(ONE_TUNNEL), Map.of()).proxy()).isNull();
    }

    @Test
    void badProxiesSayWhatWasExpected() throws Exception {
        assertThat(problems(minimal("proxy: \"ftp://x.lan\"\n" + ONE_TUNNEL))).containsExactly(
                "client.yaml: proxy: expected an http:// or socks5:// proxy URL, got \"ftp://x.lan\"");
        assertThatThrownBy(() -> read(minimal(ONE_TUNNEL), Map.of("HTTPS_PROXY", "http://user@x.lan")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("client.yaml: (environment HTTPS_PROXY): expected user:password before the proxy's host, "
                        + "got a user only");
    }

    @Test
    void aBadProxyUrlIsReportedWithoutItsPassword() throws Exception {
        assertThat(problems(minimal("proxy: \"http://alice:s3cret@proxy.lan:31x8\"\n" + ONE_TUNNEL)))
                .singleElement().asString()
                .contains("client.yaml: proxy: expected http://[user:password@]host:port")
                .contains("\"http://***@proxy.lan:31x8\"")
                .doesNotContain("s3cret");
        assertThat(problems(minimal("proxy: \"http://alice:s3%ZZcret@proxy.lan:3128\"\n" + ONE_TUNNEL)))
                .singleElement().asString().doesNotContain("s3").contains("***@proxy.lan");
        assertThat(problems(minimal("proxy: \"https://alice:s3cret@proxy.lan:443\"\n" + ONE_TUNNEL)))
                .singleElement().asString().contains("https://, is not supported").doesNotContain("s3cret");
    }

    @Test
    void aPlusInAProxyPasswordStaysAPlus() throws Exception {
        ClientConfig c = read(minimal("proxy: \"http://alice:a+b%40c@proxy.lan\"\n" + ONE_TUNNEL), Map.of());
        assertThat(c.proxy().password()).isEqualTo("a+b@c");
    }
}
