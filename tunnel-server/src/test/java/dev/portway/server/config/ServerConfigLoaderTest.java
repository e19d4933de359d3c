package dev.portway.server.config;

import dev.portway.protocol.config.ConfigException;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.config.PortRanges;
import dev.portway.protocol.transport.UdpSocketBuffers;
import dev.portway.storage.db.DatabaseConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServerConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("server.yaml"), yaml);
    }

    private List<String> problems(String yaml) throws IOException {
        Path file = write(yaml);
        try {
            ServerConfigLoader.load(file);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
            return e.problems();
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void defaultsWithoutAFile() {
        ServerConfig c = ServerConfig.defaults();
        assertThat(c.bind()).isEqualTo("0.0.0.0");
        assertThat(c.controlPort()).isEqualTo(7000);
        assertThat(c.allowPorts().toString()).isEqualTo("1025-65535");
        assertThat(c.dataDir()).isEqualTo(Path.of("data"));
        assertThat(c.tls().cert()).isNull();
        assertThat(c.tls().key()).isNull();
        assertThat(c.auth().tokens()).isEmpty();
        assertThat(c.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.keepAliveInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.keepAliveMissed()).isEqualTo(3);
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.publicHost()).isNull();
        assertThat(c.admin()).isEqualTo(new AdminConfig(true, "127.0.0.1", 7500));
        assertThat(c.database().enabled()).isTrue();
        assertThat(c.database().connection().isEmbedded()).isTrue();
    }

    @Test
    void databaseSectionNamesAnExternalServer() throws Exception {
        ServerConfig c = ServerConfigLoader.load(write("""
                database:
                  url: jdbc:postgresql://db.internal:5432/portway
                  user: portway
                  password: s3cret-db-password
                  maxPoolSize: 20
                """));
        assertThat(c.database()).isEqualTo(new DatabaseSettings(true, new DatabaseConfig(
                "jdbc:postgresql://db.internal:5432/portway", "portway", "s3cret-db-password", 20)));
        assertThat(c.database().toString()).doesNotContain("s3cret-db-password");
    }

    @Test
    void databaseCanBeDisabled() throws Exception {
        assertThat(ServerConfigLoader.load(write("database: {enabled: false}\n")).database().enabled()).isFalse();
    }

    @Test
    void databaseProblemsNameTheFieldAndNeverEchoThePasswordOrUrl() throws Exception {
        List<String> problems = problems("""
                database:
                  url: "mysql://db/portway?password=hunter2-hunter2"
                  password: 12345
                  maxPoolSize: 0
                  pool: 3
                """);
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("server.yaml: database.url: expected a JDBC URL"))
                .anySatisfy(p -> assertThat(p).startsWith("server.yaml: database.password: expected a secret"))
                .anySatisfy(p -> assertThat(p).startsWith("server.yaml: database.maxPoolSize:"))
                .anySatisfy(p -> assertThat(p).contains("database.pool"));
        assertThat(String.join("\n", problems)).doesNotContain("hunter2", "12345");
    }

    @Test
    void credentialsWithoutAUrlAreReported() throws Exception {
        List<String> problems = problems("""
                database:
                  user: portway
                  password: a-password
                """);
        assertThat(problems).containsExactly(
                "server.yaml: database.user: expected nothing (database.url is not set, so the embedded PostgreSQL is used), got \"portway\"",
                "server.yaml: database.password: expected nothing (database.url is not set, so the embedded PostgreSQL is used)");
    }

    @Test
    void emptyFileGivesTheDefaultsWithDataDirNextToTheFile() throws Exception {
        ServerConfig c = ServerConfigLoader.load(write(""));
        assertThat(c.dataDir()).isEqualTo(dir.toAbsolutePath().resolve("data"));
        assertThat(c.withDataDir(ServerConfig.DEFAULT_DATA_DIR)).isEqualTo(ServerConfig.defaults());
    }

    @Test
    void fullFileReadsEveryField() throws Exception {
        Files.writeString(dir.resolve("server.crt"), "cert");
        Files.writeString(dir.resolve("server.key"), "key");
        ServerConfig c = ServerConfigLoader.load(write("""
                bind: 127.0.0.1
                controlPort: 0
                allowPorts: 2000-3000,5353
                dataDir: /var/lib/portway
                tls:
                  cert: server.crt
                  key: server.key
                auth:
                  tokens:
                    - 0123456789abcdef
                    - another-long-enough-token
                handshakeTimeout: 5s
                keepAliveInterval: 500ms
                keepAliveMissed: 5
                shutdownGrace: 0
                publicHost: tunnel.example.com
                admin:
                  bind: 0.0.0.0
                  port: 9100
                """));
        Path abs = dir.toAbsolutePath();
        assertThat(c).isEqualTo(new ServerConfig("127.0.0.1", 0, PortRanges.parse("2000-3000,5353"),
                Path.of("/var/lib/portway"), new ServerTlsConfig(abs.resolve("server.crt"), abs.resolve("server.key")),
                new AuthConfig(List.of(AuthConfig.StaticToken.plain("0123456789abcdef"),
                        AuthConfig.StaticToken.plain("another-long-enough-token"))), Duration.ofSeconds(5),
                Duration.ofMillis(500), 5, Duration.ZERO, "tunnel.example.com",
                new AdminConfig(true, "0.0.0.0", 9100), DatabaseSettings.EMBEDDED, null, null, null, null, null, null, null, null, null, null));
        assertThat(c.auth().toString()).doesNotContain("0123456789abcdef", "another-long-enough-token");
    }

    @Test
    void clusterSectionWithItsDefaults() throws Exception {
        ServerConfig c = ServerConfigLoader.load(write("""
                database: {url: "jdbc:postgresql://db:5432/portway", user: portway}
                cluster:
                  nodeName: node-a
                  advertise: 10.0.0.1:7001
                  secret: a-secret-shared-by-all-nodes
                """));
        assertThat(c.cluster()).isEqualTo(new ClusterConfig("node-a", new HostPort("10.0.0.1", 7001),
                "a-secret-shared-by-all-nodes", Duration.ofSeconds(2), Duration.ofSeconds(10)));
        assertThat(c.cluster().toString()).doesNotContain("a-secret-shared-by-all-nodes");
        assertThat(ServerConfigLoader.load(write("bind: 127.0.0.1\n")).cluster()).as("without the section: a single node").isNull();
    }

    @Test
    void clusterProblemsNameTheirFieldAndAClusterNeedsAnExternalDatabase() throws Exception {
        assertThat(problems("""
                cluster:
                  nodeName: "node a"
                  advertise: 10.0.0.1
                  secret: short
                  heartbeat: 2s
                  deadAfter: 5s
                """)).containsExactly(
                "server.yaml: cluster.nodeName: expected 1 to 63 letters, digits, '.', '_' or '-', got \"node a\"",
                "server.yaml: cluster.advertise: expected host:port, got \"10.0.0.1\"",
                "server.yaml: cluster.secret: expected a secret of at least 16 characters, got a secret of 5 characters",
                "server.yaml: cluster.deadAfter: expected at least 3 heartbeats (6000 ms with heartbeat 2000 ms), got 5000 ms",
                "server.yaml: cluster: a cluster needs an external PostgreSQL that all nodes share: set database.url"
                        + " (the embedded PostgreSQL serves a single node)");
        assertThat(problems("""
                database: {enabled: false}
                cluster: {nodeName: a, advertise: "10.0.0.1:7001", secret: a-secret-shared-by-all-nodes}
                """)).containsExactly("server.yaml: cluster: a cluster needs a database: set database.url to the"
                + " external PostgreSQL all nodes share (database.enabled is false)");
        assertThat(problems("""
                database: {url: "jdbc:postgresql://db:5432/portway", user: portway}
                https: {port: 443, acme: {directory: letsencrypt-staging, agreeTerms: true, domains: [www.example.org]}}
                cluster: {nodeName: a, advertise: "10.0.0.1:7001", secret: a-secret-shared-by-all-nodes}
                """)).containsExactly("server.yaml: https.acme.storageKey: required with cluster: a file with the"
                + " same 32 random bytes on every node");
    }

    @Test
    void shortTokenIsReportedByPositionAndLengthOnly() throws Exception {
        List<String> problems = problems("""
                auth:
                  tokens:
                    - 0123456789abcdef
                    - another-long-enough-token
                    - hunter2
                """);
        assertThat(problems).containsExactly(
                "server.yaml: auth.tokens[2]: expected a secret of at least 16 characters, got a secret of 7 characters");
        assertThat(problems.get(0)).doesNotContain("hunter2");
    }

    @Test
    void aTokenMayBeNamedAndPlainEntriesKeepTheirNumber() throws Exception {
        ServerConfig c = ServerConfigLoader.load(write("""
                auth:
                  tokens:
                    - 0123456789abcdef
                    - {name: ci-runner, token: runner-token-0123456789}
                    - another-long-enough-token
                    - {name: deploy.bot_2, token: deploy-token-0123456789}
                """));
        assertThat(c.auth().tokens()).containsExactly(AuthConfig.StaticToken.plain("0123456789abcdef"),
                new AuthConfig.StaticToken("ci-runner", "runner-token-0123456789"),
                AuthConfig.StaticToken.plain("another-long-enough-token"),
                new AuthConfig.StaticToken("deploy.bot_2", "deploy-token-0123456789"));
        assertThat(c.auth().users()).containsExactly("static:1", "static:ci-runner", "static:3", "static:deploy.bot_2");
        assertThat(c.auth().toString()).contains("ci-runner").doesNotContain("runner-token-0123456789");
    }

    @Test
    void namedTokenProblemsNameTheirEntryAndNeverEchoAToken() throws Exception {
        List<String> problems = problems("""
                auth:
                  tokens:
                    - plain-token-0123456789
                    - {name: CI Runner, token: runner-token-0123456789}
                    - {name: "", token: empty-name-token-0123456789}
                    - {name: nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn, token: long-name-token-0123456789}
                    - {name: "a:b", token: colon-token-0123456789}
                    - {token: nameless-token-0123456789}
                    - {name: short, token: hunter2}
                    - {name: ci, token: ci-token-0123456789, role: admin}
                    - 42
                """);
        assertThat(problems).containsExactlyInAnyOrder(
                "server.yaml: auth.tokens[1].name: expected 1 to 64 characters of a-z 0-9 . _ -, got \"CI Runner\"",
                "server.yaml: auth.tokens[2].name: expected a non-empty string, got \"\"",
                "server.yaml: auth.tokens[3].name: expected 1 to 64 characters of a-z 0-9 . _ -, got \"" + "n".repeat(65) + "\"",
                "server.yaml: auth.tokens[4].name: expected 1 to 64 characters of a-z 0-9 . _ -, got \"a:b\"",
                "server.yaml: auth.tokens[5].name: expected a non-empty string, got nothing",
                "server.yaml: auth.tokens[6].token: expected a secret of at least 16 characters, got a secret of 7 characters",
                "server.yaml: auth.tokens[7].role: unknown field; expected one of name, token",
                "server.yaml: auth.tokens[8]: expected a secret string or a mapping with name, token, got a number");
        assertThat(String.join("\n", problems)).doesNotContain("0123456789", "hunter2");
    }

    @Test
    void namesAndTokensAreUniqueAndANameCannotTakeAPlainEntrysNumber() throws Exception {
        List<String> problems = problems("""
                auth:
                  tokens:
                    - {name: ci, token: first-token-0123456789}
                    - {name: ci, token: second-token-0123456789}
                    - {name: "4", token: third-token-0123456789}
                    - plain-token-0123456789
                    - first-token-0123456789
                    - {name: deploy, token: plain-token-0123456789}
                """);
        assertThat(problems).containsExactly(
                "server.yaml: auth.tokens[1].name: expected a name no other entry has (auth.tokens[0] is static:ci already), got \"ci\"",
                "server.yaml: auth.tokens[2].name: expected a name no other entry has (auth.tokens[3] is static:4 already), got \"4\"",
                "server.yaml: auth.tokens[4]: expected a token no other entry holds (auth.tokens[0] holds the same one)",
                "server.yaml: auth.tokens[5].token: expected a token no other entry holds (auth.tokens[3] holds the same one)");
        assertThat(String.join("\n", problems)).doesNotContain("0123456789");
    }

    @Test
    void certWithoutKeyNamesTheMissingOne() throws Exception {
        Files.writeString(dir.resolve("server.crt"), "cert");
        assertThat(problems("tls: {cert: server.crt}\n")).containsExactly(
                "server.yaml: tls.key: expected a PEM private key file (tls.cert is set), got nothing");
        Files.writeString(dir.resolve("server.key"), "key");
        assertThat(problems("tls: {key: server.key}\n")).containsExactly(
                "server.yaml: tls.cert: expected a PEM certificate file (tls.key is set), got nothing");
    }

    @Test
    void tlsFilesMustExist() throws Exception {
        assertThat(problems("tls: {cert: missing.crt, key: /nowhere/missing.key}\n")).containsExactly(
                "server.yaml: tls.cert: expected a PEM certificate file that exists, got \""
                        + dir.toAbsolutePath().resolve("missing.crt") + "\"",
                "server.yaml: tls.key: expected a PEM private key file that exists, got \"/nowhere/missing.key\"");
    }

    @Test
    void limitsAreReadAndOutOfRangeValuesNamed() throws Exception {
        ServerConfig c = ServerConfigLoader.load(write("limits: {connectionsPerSource: 10, handshakesPerSource: 2, "
                + "sessionsPerUser: 3, tunnelsPerUser: 4, streamsPerUser: 5, udpFlowsPerUser: 6}\n"));
        assertThat(c.limits()).isEqualTo(new LimitsConfig(10, 2, 3, 4, 5, 6));
        assertThat(ServerConfigLoader.load(write("limits: {sessionsPerUser: 3}\n")).limits())
                .isEqualTo(new LimitsConfig(1024, 32, 3, 1024, 65_536, 65_536));
        assertThat(problems("limits: {handshakesPerSource: 0}\n")).singleElement().asString()
                .startsWith("server.yaml: limits.handshakesPerSource: ");
        assertThat(problems("limits: {streamsPerUser: 0, udpFlowsPerUser: many}\n")).containsExactly(
                "server.yaml: limits.streamsPerUser: expected an integer between 1 and 10000000, got 0",
                "server.yaml: limits.udpFlowsPerUser: expected an integer between 1 and 10000000, got \"many\"");
    }

    @Test
    void domainProofIsReadAndABadNameServerNamed() throws Exception {
        ServerConfig c = ServerConfigLoader.load(write("domainProof: {required: true, nameServers: [\"127.0.0.1:5353\", "
                + "\"10.0.0.1\"]}\n"));
        assertThat(c.domainProof()).isEqualTo(new DomainProofConfig(true,
                List.of(new HostPort("127.0.0.1", 5353), new HostPort("10.0.0.1", 53))));
        assertThat(ServerConfigLoader.load(write("bind: 127.0.0.1\n")).domainProof())
                .isEqualTo(DomainProofConfig.DEFAULTS);
        assertThat(problems("domainProof: {nameServers: [\"dns:x:y\"]}\n")).singleElement().asString()
                .startsWith("server.yaml: domainProof.nameServers[0]: ");
    }

    @Test
    void accessListsAreReadAndABadNetworkNamed() throws Exception {
        ServerConfig c = ServerConfigLoader.load(write("access: {deny: [\"192.0.2.0/24\"], controlAllow: [\"10.0.0.0/8\", \"::1\"]}\n"));
        assertThat(c.access()).isEqualTo(new AccessConfig(List.of("192.0.2.0/24"), List.of("10.0.0.0/8", "::1")));
        assertThat(problems("access: {deny: [\"10.0.0.0/33\"]}\n")).singleElement().asString()
                .isEqualTo("server.yaml: access.deny[0]: expected a prefix length of 0 to 32 in \"10.0.0.0/33\"");
    }

    @Test
    void accessLogLivesUnderTheDataDirUnlessAPathRelativeToTheFileIsGiven() throws Exception {
        ServerConfig defaults = ServerConfigLoader.load(write("dataDir: state\n"));
        assertThat(defaults.accessLog()).isEqualTo(AccessLogConfig.DEFAULTS);
        assertThat(defaults.accessLog().file(defaults.dataDir()))
                .isEqualTo(dir.toAbsolutePath().resolve("state/logs/access.log"));

        ServerConfig c = ServerConfigLoader.load(write("accessLog: {path: ../logs/web.log, maxFileSize: 5MB, maxFiles: 3}\n"));
        assertThat(c.accessLog()).isEqualTo(new AccessLogConfig(
                dir.toAbsolutePath().getParent().resolve("logs/web.log"), 5L << 20, 3));
        assertThat(c.accessLog().file(c.dataDir())).isEqualTo(c.accessLog().path());

        assertThat(problems("accessLog: {maxFileSize: 10, maxFiles: 1, rotate: daily}\n")).containsExactly(
                "server.yaml: accessLog.rotate: unknown field; expected one of path, maxFileSize, maxFiles",
                "server.yaml: accessLog.maxFileSize: expected a size between 1KB and 10GB such as 100MB or 512KB, got 10",
                "server.yaml: accessLog.maxFiles: expected an integer between 2 and 21, got 1");
    }

    @Test
    void unknownKeyIsRejected() throws Exception {
        assertThat(problems("tls: {cert: a, key: b, ca: c}\nport: 7000\n")).contains(
                "server.yaml: port: unknown field; expected one of bind, controlPort, allowPorts, dataDir, tls, auth, "
                        + "handshakeTimeout, keepAliveInterval, keepAliveMissed, shutdownGrace, publicHost, admin, database, "
                        + "domain, http, https, udp, proxyProtocol, alerts, limits, domainProof, access, quotas, accessLog, cluster",
                "server.yaml: tls.ca: unknown field; expected one of cert, key");
    }

    @Test
    void severalProblemsAreReportedTogether() throws Exception {
        assertThat(problems("""
                bind: "0.0.0.0:7000"
                controlPort: -1
                allowPorts: 3000-2000
                handshakeTimeout: 0
                keepAliveMissed: many
                shutdownGrace: 1d
                publicHost: "https://tunnel.example.com"
                """)).containsExactly(
                "server.yaml: bind: expected an IP address or host name without a port, got \"0.0.0.0:7000\"",
                "server.yaml: controlPort: expected an integer between 0 and 65535, got -1",
                "server.yaml: allowPorts: expected ports and ranges such as 2000-3000,5353 within 1-65535, got \"3000-2000\"",
                "server.yaml: handshakeTimeout: expected a duration between 1ms and 10m, got 0",
                "server.yaml: keepAliveMissed: expected an integer between 1 and 100, got \"many\"",
                "server.yaml: shutdownGrace: expected a duration such as 10s, 500ms, 2m, 1h or a number of seconds, got \"1d\"",
                "server.yaml: publicHost: expected a host name or IP address without a port, got \"https://tunnel.example.com\"");
    }

    @Test
    void adminCanBeDisabledOrPutOnAnEphemeralPort() throws Exception {
        assertThat(ServerConfigLoader.load(write("admin: {enabled: false}\n")).admin())
                .isEqualTo(new AdminConfig(false, "127.0.0.1", 7500));
        assertThat(ServerConfigLoader.load(write("admin: {port: 0}\n")).admin())
                .isEqualTo(AdminConfig.ephemeral("127.0.0.1"));
    }

    @Test
    void adminProblemsNameTheirField() throws Exception {
        assertThat(problems("""
                admin:
                  enabled: sometimes
                  bind: "127.0.0.1:7500"
                  port: 70000
                  path: /metrics
                """)).containsExactlyInAnyOrder(
                "server.yaml: admin.path: unknown field; expected one of enabled, bind, port",
                "server.yaml: admin.enabled: expected true or false, got \"sometimes\"",
                "server.yaml: admin.bind: expected an IP address or host name without a port, got \"127.0.0.1:7500\"",
                "server.yaml: admin.port: expected an integer between 0 and 65535, got 70000");
    }

    @Test
    void httpSectionSetsTheWebListenerAndItsLimits() throws Exception {
        Files.writeString(dir.resolve("404.html"), "<h1>gone</h1>");
        ServerConfig c = ServerConfigLoader.load(write("""
                domain: Tunnel.Example.com.
                http:
                  port: 8080
                  maxHeaderSize: 16384
                  requestHeaderTimeout: 5s
                  idleTimeout: 2m
                  responseTimeout: 90s
                  bodyIdleTimeout: 20s
                  errorPages: {404: 404.html}
                """));
        HttpConfig http = c.http();
        assertThat(http.domain()).isEqualTo("tunnel.example.com");
        assertThat(http.httpPort()).isEqualTo(8080);
        assertThat(http.httpsPort()).isZero();
        assertThat(http.maxHeaderSize()).isEqualTo(16384);
        assertThat(http.requestHeaderTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(http.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(http.responseTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(http.bodyIdleTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(http.errorPages()).containsOnlyKeys(404);

        HttpConfig defaults = ServerConfigLoader.load(write("domain: tunnel.example.com\n")).http();
        assertThat(defaults.httpPort()).isEqualTo(80);
        assertThat(defaults.maxHeaderSize()).isEqualTo(32 * 1024);
        assertThat(defaults.requestHeaderTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.bodyIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void httpProblemsNameTheirField() throws Exception {
        assertThat(problems("""
                domain: "not a host"
                http:
                  port: 80000
                  maxHeaderSize: 10
                  bodyIdleTimeout: 0
                  errorPages: {404: missing.html, 500: x.html}
                  tls: true
                """)).contains(
                "server.yaml: domain: expected a host name such as tunnel.example.com, got \"not a host\"",
                "server.yaml: http.port: expected an integer between 0 and 65535, got 80000",
                "server.yaml: http.maxHeaderSize: expected an integer between 1024 and 1048576, got 10",
                "server.yaml: http.bodyIdleTimeout: expected a duration between 1ms and 10m, got 0",
                "server.yaml: http.tls: unknown field; expected one of port, maxHeaderSize, requestHeaderTimeout, "
                        + "idleTimeout, responseTimeout, bodyIdleTimeout, errorPages, http2",
                "server.yaml: http.errorPages.500: unknown field; expected one of 400, 401, 403, 404, 408, 429, 431, 502, 504");
        assertThat(problems("http: {errorPages: {404: missing.html}}\n")).singleElement().asString()
                .startsWith("server.yaml: http.errorPages.404: expected an HTML file that exists");
    }

    @Test
    void http2SettingsAreReadWithDefaultsAndBounds() throws Exception {
        Http2Config h2 = ServerConfigLoader.load(write("""
                http:
                  http2: {cleartext: true, maxConcurrentStreams: 50, initialWindowSize: 1048576, maxResets: 100,
                          resetWindow: 10s, maxQueuedControlFrames: 500}
                """)).http().http2();
        assertThat(h2).isEqualTo(new Http2Config(true, 50, 1_048_576, 100, Duration.ofSeconds(10), 500));
        assertThat(ServerConfigLoader.load(write("domain: tunnel.example.com\n")).http().http2())
                .isEqualTo(Http2Config.DEFAULTS);
        assertThat(Http2Config.DEFAULTS.cleartext()).isFalse();
        assertThat(problems("""
                http:
                  http2: {maxConcurrentStreams: 0, initialWindowSize: 1000, resetWindow: 0s, push: true}
                """)).containsExactlyInAnyOrder(
                "server.yaml: http.http2.push: unknown field; expected one of cleartext, maxConcurrentStreams, "
                        + "initialWindowSize, maxResets, resetWindow, maxQueuedControlFrames",
                "server.yaml: http.http2.maxConcurrentStreams: expected an integer between 1 and 10000, got 0",
                "server.yaml: http.http2.initialWindowSize: expected an integer of at least 65535, got 1000",
                "server.yaml: http.http2.resetWindow: expected a duration between 1s and 10m, got \"0s\"");
    }

    @Test
    void yamlSyntaxErrorHasLineAndColumn() throws Exception {
        assertThat(problems("bind: 0.0.0.0\n  controlPort: 7000\n")).singleElement().asString()
                .startsWith("server.yaml: line 2, column ")
                .contains("invalid YAML: ");
    }

    @Test
    void udpAndProxyProtocolSectionsAreRead() throws Exception {
        ServerConfig c = ServerConfigLoader.load(write("""
                udp: {idleTimeout: 30s, maxDatagram: 1400, receiveBuffer: 8388608, sendBuffer: 0}
                proxyProtocol:
                  trustedCidrs: [10.0.0.0/8, "fd00::/8", 192.0.2.1]
                """));
        assertThat(c.udp()).isEqualTo(new UdpConfig(Duration.ofSeconds(30), 1400, new UdpSocketBuffers(8388608, 0)));
        assertThat(ServerConfigLoader.load(write("udp: {idleTimeout: 30s}")).udp().socketBuffers())
                .isEqualTo(new UdpSocketBuffers(4 * 1024 * 1024, 4 * 1024 * 1024));
        assertThat(problems("udp: {receiveBuffer: -1}")).containsExactly(
                "server.yaml: udp.receiveBuffer: expected an integer between 0 and 268435456, got -1");
        assertThat(c.proxyProtocol().trustedCidrs()).containsExactly("10.0.0.0/8", "fd00::/8", "192.0.2.1");
    }

    @Test
    void udpAndProxyProtocolDefaultWhenAbsent() throws Exception {
        ServerConfig c = ServerConfigLoader.load(write("controlPort: 7000\n"));
        assertThat(c.udp()).isEqualTo(UdpConfig.DEFAULTS);
        assertThat(c.proxyProtocol().trustedCidrs()).isEmpty();
    }

    @Test
    void udpAndProxyProtocolProblemsNameTheirField() throws Exception {
        List<String> problems = problems("""
                udp: {idleTimeout: 0s, maxDatagram: 70000, idle: 5s}
                proxyProtocol:
                  trustedCidrs: [10.0.0.0/33, not-a-network]
                """);
        assertThat(problems).hasSize(5);
        assertThat(problems).anyMatch(p -> p.startsWith("server.yaml: udp.idleTimeout: expected"));
        assertThat(problems).anyMatch(p -> p.startsWith("server.yaml: udp.maxDatagram: expected"));
        assertThat(problems).anyMatch(p -> p.startsWith("server.yaml: udp.idle: "));
        assertThat(problems).contains(
                "server.yaml: proxyProtocol.trustedCidrs[0]: expected a prefix length of 0 to 32 in \"10.0.0.0/33\"",
                "server.yaml: proxyProtocol.trustedCidrs[1]: expected an IP network such as 10.0.0.0/8, got \"not-a-network\"");
    }
}
