package dev.portway.server;

import dev.portway.protocol.control.TunnelResult;
import dev.portway.server.config.LimitsConfig;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Scrape;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.portway.server.testkit.TunnelFixture.port;
import static dev.portway.server.testkit.TunnelFixture.tcp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of idle connections from one address to the control listener, against a real server: the handshake and
 * connection ceilings per address refuse them at accept, and a client from another address still connects and serves.
 */
@Timeout(180)
class SourceLimitsIT {
    private static final int SLOW_CONNECTIONS = 5000;
    private static final int HANDSHAKES = 16;
    private TunnelFixture fixture;
    private EchoServer echo;
    private final List<Socket> slow = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        echo = new EchoServer();
        fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3, Duration.ofSeconds(30))
                .withLimits(new LimitsConfig(64, HANDSHAKES, LimitsConfig.DEFAULT_SESSIONS_PER_USER,
                        LimitsConfig.DEFAULT_TUNNELS_PER_USER, LimitsConfig.DEFAULT_STREAMS_PER_USER,
                        LimitsConfig.DEFAULT_UDP_FLOWS_PER_USER)));
    }

    @AfterEach
    void tearDown() throws IOException {
        for (Socket socket : slow) {
            socket.close();
        }
        echo.close();
        fixture.close();
    }

    @Test
    void idleConnectionsFromOneAddressAreCappedAndAnotherAddressIsStillServed() throws Exception {
        // 127.0.0.2 is loopback too on Linux; the real client below connects from 127.0.0.1.
        InetAddress attacker = InetAddress.getByName("127.0.0.2");
        InetSocketAddress control = fixture.controlAddress();
        for (int i = 0; i < SLOW_CONNECTIONS; i++) {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(attacker, 0));
            try {
                socket.connect(control, 2000);
                slow.add(socket);
            } catch (IOException backlogFull) {
                socket.close();
            }
        }
        Scrape refused = Scrape.until(fixture.server().adminAddress(),
                s -> s.value("portway_auth_failures_total{reason=\"source_limit\"}") >= slow.size() - HANDSHAKES);
        assertThat(refused.value("portway_auth_failures_total{reason=\"source_limit\"}"))
                .isLessThanOrEqualTo(SLOW_CONNECTIONS);

        TunnelResult.Status status = fixture.connect("legit", new RecordingEvents(), tcp("echo", echo.port(), 0)).get(0);
        assertThat(status.accepted()).isTrue();
        Wire.Exchange exchange = Wire.echo(port(status), 1024 * 1024, 7);
        assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
    }
}
