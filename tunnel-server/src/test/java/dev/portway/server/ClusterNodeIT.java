package dev.portway.server;

import dev.portway.protocol.control.TunnelResult;
import dev.portway.server.config.ClusterConfig;
import dev.portway.server.config.DatabaseSettings;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.testkit.AdminHttp;
import dev.portway.server.testkit.ClusterDatabase;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.FreePorts;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.Wire;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One cluster node in this JVM on an external PostgreSQL (the embedded server, started by the test): what it refuses
 * at start, and what it does when the cluster took it for dead while it ran.
 */
@Timeout(120)
class ClusterNodeIT {
    private static final String SECRET = ClusterDatabase.SECRET;
    private static ClusterDatabase cluster;
    private static DatabaseSettings database;

    @BeforeAll
    static void startDatabase() throws Exception {
        cluster = ClusterDatabase.start();
        database = cluster.settings();
    }

    @AfterAll
    static void stopDatabase() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ServerConfig node(TunnelFixture fixture, String name, String secret, DatabaseSettings on) {
        return ClusterDatabase.node(fixture.serverConfig(0, Duration.ofSeconds(1), 3), name, secret, on,
                Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    @Test
    void aNodeTakenForDeadWhileRunningEndsItsSessionsJoinsAgainAndItsClientsClaimAgain() throws Exception {
        try (TunnelFixture fixture = new TunnelFixture(); EchoServer echo = new EchoServer()) {
            fixture.startServer(node(fixture, "x", SECRET, database));
            int port = FreePorts.next();
            RecordingEvents events = new RecordingEvents();
            assertThat(fixture.connect("laptop", events, TunnelFixture.tcp("ssh", echo.port(), port)))
                    .singleElement().satisfies(status -> assertThat(status.accepted()).isTrue());

            cluster.execute("DELETE FROM nodes WHERE name = 'x'");

            assertThat(events.nextDisconnect(TunnelFixture.WAIT))
                    .contains("this node was taken for dead by the cluster; reconnect");
            List<TunnelResult.Status> again = events.nextRegistration(TunnelFixture.WAIT);
            assertThat(again).singleElement().satisfies(status -> assertThat(status.accepted()).isTrue());
            assertThat(cluster.count("SELECT count(*) FROM nodes WHERE name = 'x'")).isOne();
            assertThat(cluster.count("SELECT count(*) FROM live_claims WHERE kind = 'tcp' AND name = '" + port + "'"))
                    .isOne();
            Wire.Exchange exchange = Wire.echo(port, 64 * 1024, 7);
            assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
        }
    }

    @Test
    void aDrainingNodeAnswersReadyz503WhileItsOpenStreamsFinish() throws Exception {
        try (TunnelFixture fixture = new TunnelFixture(); EchoServer echo = new EchoServer()) {
            TunnelServer server = fixture.startServer(node(fixture, "r", SECRET, database));
            AdminHttp admin = new AdminHttp(server.adminAddress(), "no-key-needed");
            int port = FreePorts.next();
            assertThat(fixture.connect("laptop", new RecordingEvents(), TunnelFixture.tcp("ssh", echo.port(), port)))
                    .singleElement().satisfies(status -> assertThat(status.accepted()).isTrue());
            assertThat(admin.call("GET", "/readyz", null).status()).isEqualTo(200);

            try (Socket open = new Socket(InetAddress.getLoopbackAddress(), port)) {
                open.getOutputStream().write(1);
                assertThat(open.getInputStream().read()).as("the stream is open end to end").isEqualTo(1);
                CompletableFuture<Void> stopping = CompletableFuture.runAsync(
                        () -> server.stop(Duration.ofSeconds(20)));
                AdminHttp.Reply draining = awaitReadyz(admin, 503);
                assertThat(draining.json().get("listeners").asText()).isEqualTo("unbound");
                assertThat(stopping).as("the node waits for its open stream").isNotDone();
                open.getOutputStream().write(2);
                assertThat(open.getInputStream().read()).as("the open stream still carries bytes").isEqualTo(2);
                open.shutdownOutput();
                assertThat(open.getInputStream().read()).as("FIN from the echo service").isEqualTo(-1);
                stopping.get(20, TimeUnit.SECONDS);
            }
        }
    }

    private static AdminHttp.Reply awaitReadyz(AdminHttp admin, int status) throws Exception {
        long deadline = System.nanoTime() + TunnelFixture.WAIT.toNanos();
        while (true) {
            AdminHttp.Reply reply = admin.call("GET", "/readyz", null);
            if (reply.status() == status) {
                return reply;
            }
            assertThat(System.nanoTime()).as("/readyz answers " + status).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aNodeWithAnotherSecretOrWithoutAnExternalDatabaseDoesNotStart() throws Exception {
        try (TunnelFixture first = new TunnelFixture(); TunnelFixture second = new TunnelFixture();
             TunnelFixture embedded = new TunnelFixture()) {
            first.startServer(node(first, "y", SECRET, database));
            assertThatThrownBy(() -> second.startServer(node(second, "z", "another-secret-entirely", database)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("cannot join the cluster as node z: cluster.secret differs from that of the live"
                            + " node y; every node needs the same secret");
            assertThatThrownBy(() -> embedded.startServer(node(embedded, "w", SECRET, DatabaseSettings.EMBEDDED)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(ClusterConfig.databaseProblem(DatabaseSettings.EMBEDDED));
            assertThat(cluster.count("SELECT count(*) FROM nodes WHERE name IN ('z', 'w')")).isZero();
        }
    }
}
