package dev.portway.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.protocol.config.ConfigException;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.server.config.ServerConfigLoader;
import dev.portway.server.control.ClientSession;
import dev.portway.server.reload.ConfigDiff;
import dev.portway.server.reload.ReloadReport;
import dev.portway.server.testkit.AdminHttp;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TestCa;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real server reloading its server.yaml under real clients: what changed is taken while sessions and a running
 * transfer go on; an invalid file and restart-only fields change nothing.
 */
class ReloadIT {
    private static final String NEW_TOKEN = "reloaded-token-0123456789";

    @TempDir
    Path dir;
    private Path file;
    private TunnelFixture fixture;
    private EchoServer echo;

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("server.yaml");
        fixture = new TunnelFixture();
        echo = new EchoServer();
    }

    @AfterEach
    void tearDown() throws Exception {
        echo.close();
        fixture.close();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void newTokenAndPortsAreTakenWhileATransferRunsOn() throws Exception {
        int first = TunnelFixture.freePort();
        int added = TunnelFixture.freePort();
        TunnelServer server = start(yaml(String.valueOf(first), false, TunnelFixture.TOKEN));
        RecordingEvents events = new RecordingEvents();
        TunnelResult.Status status = fixture.connect("first", events, TunnelFixture.tcp("echo", echo.port(), first))
                .get(0);
        assertThat(status.accepted()).as(status.toString()).isTrue();
        String sessionId = onlySession(server).sessionId();

        CompletableFuture<Wire.Exchange> transfer = CompletableFuture.supplyAsync(() -> {
            try {
                return Wire.echo(first, 32L * 1024 * 1024, 11);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        awaitOpenStream(server);

        Files.writeString(file, yaml(first + "," + added, false, TunnelFixture.TOKEN, NEW_TOKEN));
        ReloadReport report = server.reload();
        assertThat(report.applied()).extracting(ConfigDiff.Change::field).containsExactly("allowPorts", "auth.tokens");
        assertThat(report.needsRestart()).isEmpty();
        assertThat(report.failures()).isEmpty();

        RecordingEvents second = new RecordingEvents();
        fixture.startClient(fixture.clientConfig(fixture.controlAddress().getPort(), NEW_TOKEN,
                List.of(TunnelFixture.tcp("echo", echo.port(), added)), Duration.ofSeconds(10)), "second", second);
        TunnelResult.Status secondStatus = second.nextRegistration(TunnelFixture.WAIT).get(0);
        assertThat(secondStatus.accepted()).as(secondStatus.toString()).isTrue();
        assertThat(TunnelFixture.port(secondStatus)).isEqualTo(added);
        assertIntact(Wire.echo(added, 256 * 1024, 12));

        assertIntact(transfer.get(60, TimeUnit.SECONDS));
        assertThat(server.sessions().all()).extracting(ClientSession::sessionId).contains(sessionId);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anInvalidFileChangesNothing() throws Exception {
        TunnelServer server = start(yaml("1025-65535", false, TunnelFixture.TOKEN));
        Files.writeString(file, yaml("not-a-port", false, TunnelFixture.TOKEN, NEW_TOKEN)
                + "limits:\n  sessionsPerUser: 0\n");

        assertThatThrownBy(server::reload).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anySatisfy(p -> assertThat(p).contains("allowPorts"))
                        .anySatisfy(p -> assertThat(p).contains("limits.sessionsPerUser")));

        RecordingEvents refused = new RecordingEvents();
        fixture.startClient(TunnelFixture.keepTrying(fixture.clientConfig(fixture.controlAddress().getPort(),
                NEW_TOKEN, List.of(), Duration.ofSeconds(10))), "refused", refused);
        assertThat(refused.nextRefusal(TunnelFixture.WAIT)).contains("invalid token");
        TunnelResult.Status status = fixture.connect("old-token", new RecordingEvents(),
                TunnelFixture.tcp("echo", echo.port(), 0)).get(0);
        assertThat(status.accepted()).as(status.toString()).isTrue();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void restartOnlyFieldsAreReportedAndLeftAsTheyWere() throws Exception {
        TunnelServer server = start(yaml("1025-65535", false, TunnelFixture.TOKEN));
        int controlPort = fixture.controlAddress().getPort();
        Files.writeString(file, yaml("1025-65535", false, TunnelFixture.TOKEN)
                .replace("controlPort: 0", "controlPort: " + TunnelFixture.freePort())
                .replace("keepAliveMissed: 3", "keepAliveMissed: 5"));

        ReloadReport report = server.reload();
        assertThat(report.needsRestart()).extracting(ConfigDiff.Change::field)
                .containsExactly("controlPort", "keepAliveMissed");
        assertThat(report.applied()).isEmpty();
        // Reported again on the next reload: the running server still differs from the file.
        assertThat(server.reload().needsRestart()).hasSize(2);
        TunnelResult.Status status = fixture.connect("still-here", new RecordingEvents(),
                TunnelFixture.tcp("echo", echo.port(), 0)).get(0);
        assertThat(status.accepted()).isTrue();
        assertThat(fixture.controlAddress().getPort()).isEqualTo(controlPort);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void newAccessRulesAndLimitsReachWhatIsAlreadyOpen() throws Exception {
        TunnelServer server = start(yaml("1025-65535", false, TunnelFixture.TOKEN));
        int port = TunnelFixture.port(fixture.connect("open", new RecordingEvents(),
                TunnelFixture.tcp("echo", echo.port(), 0)).get(0));
        assertIntact(Wire.echo(port, 4096, 1));

        Files.writeString(file, yaml("1025-65535", false, TunnelFixture.TOKEN)
                + "access:\n  deny: [127.0.0.2]\nlimits:\n  tunnelsPerUser: 1\n  streamsPerUser: 100\n");
        assertThat(server.reload().applied()).extracting(ConfigDiff.Change::field)
                .containsExactly("limits.tunnelsPerUser", "limits.streamsPerUser", "access.deny");

        assertThat(Wire.refusedWithoutAnswer(port, "127.0.0.2")).isTrue();
        assertIntact(Wire.echo(port, 4096, 2));
        // The same user (one static token) already holds its one tunnel.
        TunnelResult.Status second = fixture.connect("second", new RecordingEvents(),
                TunnelFixture.tcp("more", echo.port(), 0)).get(0);
        assertThat(second.accepted()).as(second.toString()).isFalse();
        assertThat(second.reason()).contains("holds 1 tunnels");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void certificateFilesAreReadAgainAndABadOneKeepsTheOneInUse() throws Exception {
        TestCa ca = TestCa.create("reload-test-ca");
        TestCa.Issued first = ca.issue("app.test");
        first.written(dir, "app");
        String https = """
                https:
                  port: %d
                  certificates:
                    - {domains: [app.test], cert: app.crt, key: app.key}
                  clientConnect: {hosts: [app.test]}
                """.formatted(TunnelFixture.freePort());
        String yaml = yaml("1025-65535", false, TunnelFixture.TOKEN) + https;
        TunnelServer server = start(yaml);
        assertThat(servedCertificate(ca, server)).isEqualTo(first.cert());

        TestCa.Issued renewed = ca.issue("app.test");
        renewed.written(dir, "app");
        ReloadReport report = server.reload();
        assertThat(report.applied()).as("the paths did not change").isEmpty();
        assertThat(report.failures()).isEmpty();
        assertThat(servedCertificate(ca, server)).isEqualTo(renewed.cert());

        Files.writeString(dir.resolve("app.crt"), "-----BEGIN CERTIFICATE-----\nnot one\n");
        assertThatThrownBy(server::reload).isInstanceOf(ConfigException.class)
                .hasMessageContaining("https.certificates[0].cert");
        assertThat(servedCertificate(ca, server)).isEqualTo(renewed.cert());
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theAdminApiReloadsAndReportsAnInvalidFile() throws Exception {
        int port = TunnelFixture.freePort();
        // As root, the embedded PostgreSQL runs as its own user, which must pass through this directory.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        TunnelServer server = start(yaml("20000-20010", true, TunnelFixture.TOKEN));
        AdminHttp admin = new AdminHttp(server.adminAddress(), AdminHttp.initialCredential(
                server.initialCredentials().orElseThrow().file(), "admin_api_key"));

        Files.writeString(file, yaml(String.valueOf(port), true, TunnelFixture.TOKEN)
                .replace("keepAliveMissed: 3", "keepAliveMissed: 4"));
        JsonNode answer = admin.expect(200, "POST", "/api/v1/reload", null);
        assertThat(answer.path("applied")).extracting(JsonNode::asText).containsExactly("allowPorts");
        assertThat(answer.path("needsRestart")).extracting(JsonNode::asText).containsExactly("keepAliveMissed");
        TunnelResult.Status status = fixture.connect("api", new RecordingEvents(),
                TunnelFixture.tcp("echo", echo.port(), port)).get(0);
        assertThat(status.accepted()).as(status.toString()).isTrue();

        Files.writeString(file, yaml(String.valueOf(port), true, TunnelFixture.TOKEN)
                .replace("port: 0\n  bind: 127.0.0.1", "port: 99999\n  bind: 127.0.0.1"));
        AdminHttp.Reply invalid = admin.call("POST", "/api/v1/reload", null);
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.json().path("type").asText()).isEqualTo("urn:portway:problem:invalid-field");
        assertThat(invalid.json().path("detail").asText()).contains("admin.port");
        assertThat(new AdminHttp(server.adminAddress(), "pwk_wrong").call("POST", "/api/v1/reload", null).status())
                .isEqualTo(401);
    }

    private TunnelServer start(String yaml) throws Exception {
        Files.writeString(file, yaml);
        return fixture.startServer(ServerConfigLoader.load(file), file);
    }

    private String yaml(String allowPorts, boolean database, String... tokens) {
        StringBuilder text = new StringBuilder("""
                bind: 127.0.0.1
                controlPort: 0
                keepAliveMissed: 3
                publicHost: 127.0.0.1
                dataDir: data
                allowPorts: "%s"
                http:
                  port: 0
                admin:
                  port: 0
                  bind: 127.0.0.1
                database:
                  enabled: %s
                auth:
                  tokens:
                """.formatted(allowPorts, database));
        for (String token : tokens) {
            text.append("    - ").append(token).append('\n');
        }
        return text.toString();
    }

    private static Certificate servedCertificate(TestCa ca, TunnelServer server) throws Exception {
        try (SSLSocket socket = ca.connect(server.httpsAddress().getPort(), "app.test")) {
            return socket.getSession().getPeerCertificates()[0];
        }
    }

    private static ClientSession onlySession(TunnelServer server) {
        assertThat(server.sessions().all()).hasSize(1);
        return server.sessions().all().get(0);
    }

    private static void awaitOpenStream(TunnelServer server) throws InterruptedException {
        long deadline = System.nanoTime() + TunnelFixture.WAIT.toNanos();
        while (server.sessions().all().stream().noneMatch(s -> s.session().openStreams() > 0)) {
            assertThat(System.nanoTime()).as("a stream opened").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static void assertIntact(Wire.Exchange exchange) {
        assertThat(exchange.received()).isEqualTo(exchange.sent());
        assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
    }
}
