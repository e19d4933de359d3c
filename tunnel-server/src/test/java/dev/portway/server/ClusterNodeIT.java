package dev.portway.server;

import dev.portway.protocol.control.TunnelResult;
import dev.portway.server.config.ClusterConfig;
import dev.portway.server.config.DatabaseSettings;
import dev.portway.server.config.ServerConfig;
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

import java.time.Duration;
import java.util.List;

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
