package dev.portway.server;

import dev.portway.client.config.ClientConfig;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.FreezableRelay;
import dev.portway.server.testkit.JavaProcess;
import dev.portway.server.testkit.Processes;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.portway.server.testkit.TunnelFixture.WAIT;
import static dev.portway.server.testkit.TunnelFixture.port;
import static dev.portway.server.testkit.TunnelFixture.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TCP tunnels end to end: the real server and client over TLS on loopback. */
@Timeout(120)
class TcpTunnelIT {
    private TunnelFixture fixture;
    private EchoServer echo;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        echo = new EchoServer();
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
        echo.close();
    }

    @Test
    void carries100MiBBothWaysUnchanged() throws Exception {
        fixture.startServer();
        TunnelResult.Status status = fixture.connect("c1", new RecordingEvents(), tcp("echo", echo.port(), 0)).get(0);
        assertThat(status.accepted()).isTrue();

        Wire.Exchange exchange = Wire.echo(port(status), 100L * 1024 * 1024, 42);

        assertThat(exchange.received()).isEqualTo(exchange.sent());
        assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
    }

    @Test
    void twoHundredConcurrentConnectionsAllComplete() throws Exception {
        fixture.startServer();
        int publicPort = port(fixture.connect("c1", new RecordingEvents(), tcp("echo", echo.port(), 0)).get(0));
        ExecutorService pool = Executors.newFixedThreadPool(200);
        try {
            List<Future<Wire.Exchange>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                long seed = i;
                results.add(pool.submit(() -> Wire.echo(publicPort, 64 * 1024 + seed * 97, seed)));
            }
            for (Future<Wire.Exchange> result : results) {
                Wire.Exchange exchange = result.get();
                assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void wrongTokenIsRefusedAndTheClientBacksOffWhenToldToKeepTrying() throws Exception {
        fixture.startServer();
        RecordingEvents events = new RecordingEvents();
        ClientConfig config = TunnelFixture.keepTrying(fixture.clientConfig(fixture.controlAddress().getPort(),
                "not-the-right-token-at-all", List.of(tcp("echo", echo.port(), 0)), Duration.ofSeconds(10)));
        fixture.startClient(config, "intruder", events);

        assertThat(events.nextRefusal(WAIT)).isEqualTo("invalid token");
        assertThat(events.nextRefusal(WAIT)).isEqualTo("invalid token");
        assertThat(events.retryDelays()).isNotEmpty();
        assertThat(fixture.server().sessions().size()).isZero();
    }

    @Test
    void aTakenPortIsRefusedWithoutHarmingTheOtherTunnels() throws Exception {
        fixture.startServer();
        int taken = port(fixture.connect("first", new RecordingEvents(), tcp("a", echo.port(), 0)).get(0));

        List<TunnelResult.Status> second = fixture.connect("second", new RecordingEvents(),
                tcp("clash", echo.port(), taken), tcp("fine", echo.port(), 0));

        assertThat(second.get(0).accepted()).isFalse();
        assertThat(second.get(0).reason()).contains("port " + taken).contains("already used");
        assertThat(second.get(1).accepted()).isTrue();
        Wire.Exchange exchange = Wire.echo(port(second.get(1)), 4096, 7);
        assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
        Wire.Exchange first = Wire.echo(taken, 4096, 8);
        assertThat(first.receivedSha256()).isEqualTo(first.sentSha256());
    }

    @Test
    void aPortOutsideAllowPortsIsRefused() throws Exception {
        fixture.startServer();
        List<TunnelResult.Status> statuses = fixture.connect("c1", new RecordingEvents(), tcp("low", echo.port(), 80));
        assertThat(statuses.get(0).accepted()).isFalse();
        assertThat(statuses.get(0).reason()).contains("not allowed");
    }

    @Test
    void afterAServerRestartTheClientRegistersAgainAndTrafficResumes() throws Exception {
        int controlPort = TunnelFixture.freePort();
        fixture.startServer(fixture.serverConfig(controlPort, Duration.ofSeconds(10), 3));
        RecordingEvents events = new RecordingEvents();
        int publicPort = port(fixture.connect("c1", events, tcp("echo", echo.port(), 0)).get(0));

        fixture.stopServer();
        fixture.startServer(fixture.serverConfig(controlPort, Duration.ofSeconds(10), 3));

        List<TunnelResult.Status> again = events.nextRegistration(WAIT);
        assertThat(again.get(0).accepted()).isTrue();
        Wire.Exchange exchange = Wire.echo(port(again.get(0)), 1024 * 1024, 3);
        assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
        assertThat(publicPort).isPositive();
    }

    @Test
    void aKilledClientsPortIsFreedWithinTheKeepAliveTimeout() throws Exception {
        fixture.startServer(fixture.serverConfig(0, Duration.ofMillis(300), 3));
        int publicPort = TunnelFixture.freePort();
        try (JavaProcess client = Processes.client(fixture, "echo", echo.port(), publicPort)) {
            client.awaitLine("echo", WAIT);
            assertThat(canConnect(publicPort)).isTrue();
            client.kill();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (canConnect(publicPort) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(canConnect(publicPort)).as("public port closed after the client died").isFalse();
            assertThat(fixture.server().sessions().size()).isZero();
        }
    }

    @Test
    void aSilentlyDeadLinkIsDetectedAndTheReconnectTakesOverThePortsAtOnce() throws Exception {
        // The server would wait 30 s to notice; the client notices in about 1.5 s and must not find its port taken.
        fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3));
        try (FreezableRelay relay = new FreezableRelay(fixture.controlAddress())) {
            RecordingEvents events = new RecordingEvents();
            ClientConfig config = fixture.clientConfig(relay.port(), TunnelFixture.TOKEN,
                    List.of(tcp("echo", echo.port(), 0)), Duration.ofMillis(500));
            fixture.startClient(config, "roaming", events);
            int publicPort = port(events.nextRegistration(WAIT).get(0));

            relay.freezeExisting();
            long frozenAt = System.nanoTime();
            List<TunnelResult.Status> again = events.nextRegistration(WAIT);
            Duration recovery = Duration.ofNanos(System.nanoTime() - frozenAt);

            assertThat(again.get(0).accepted()).as(again.get(0).toString()).isTrue();
            assertThat(port(again.get(0))).isEqualTo(publicPort);
            assertThat(recovery).isLessThan(Duration.ofSeconds(10));
            assertThat(fixture.server().sessions().size()).isEqualTo(1);
            Wire.Exchange exchange = Wire.echo(publicPort, 256 * 1024, 5);
            assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
        }
    }

    @Test
    void aRefusingLocalServiceResetsThePublicConnectionPromptly() throws Exception {
        fixture.startServer();
        int deadPort = TunnelFixture.freePort();
        int publicPort = port(fixture.connect("c1", new RecordingEvents(), tcp("dead", deadPort, 0)).get(0));

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), publicPort)) {
            socket.setSoTimeout(5000);
            InputStream in = socket.getInputStream();
            // Reset, not a clean end: the peer must not take the empty stream for a complete answer.
            assertThatThrownBy(in::read).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
    }

    @Test
    void aConnectionThatNeverAuthenticatesIsClosedAfterTheHandshakeTimeout() throws Exception {
        fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3, Duration.ofMillis(500)));
        try (Socket idle = new Socket(InetAddress.getLoopbackAddress(), fixture.controlAddress().getPort())) {
            idle.setSoTimeout(5000);
            long start = System.nanoTime();
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void gracefulStopLetsAnOpenTransferFinishAndRefusesNewConnections() throws Exception {
        fixture.startServer();
        int publicPort = port(fixture.connect("c1", new RecordingEvents(), tcp("echo", echo.port(), 0)).get(0));
        CompletableFuture<Wire.Exchange> transfer = CompletableFuture.supplyAsync(() -> {
            try {
                return Wire.echo(publicPort, 32L * 1024 * 1024, 11);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (fixture.server().sessions().all().get(0).session().openStreams() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }

        fixture.server().stop(Duration.ofSeconds(20));

        Wire.Exchange exchange = transfer.get();
        assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
        assertThat(canConnect(publicPort)).isFalse();
        assertThat(canConnect(fixture.controlAddress().getPort())).isFalse();
    }

    private static boolean canConnect(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
