package dev.portway.server;

import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.HttpBackend;
import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Scrape;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tunnel's {@code maxConnections} over real sockets: three TCP connections carry their bytes, the fourth is reset,
 * and once one closes a new one is served; an http tunnel at its limit answers 429; every refusal is counted.
 */
@Timeout(60)
class ConnectionLimitIT {
    private final TunnelFixture fixture;

    ConnectionLimitIT() throws IOException {
        fixture = new TunnelFixture();
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
    }

    @Test
    void theConnectionOverTheLimitIsRefusedAndAPlaceFreedIsTakenAgain() throws Exception {
        int httpPort = TunnelFixture.freePort();
        fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                .withHttp(new HttpConfig("tunnel.test", httpPort, 0)));
        try (EchoServer echo = new EchoServer(); HttpBackend backend = new HttpBackend("capped")) {
            TunnelConfig tcp = TunnelFixture.tcp("capped", echo.port(), 0).withMaxConnections(3);
            TunnelConfig web = new TunnelConfig("capped-web", TunnelType.HTTP,
                    new HostPort("127.0.0.1", backend.port()), 0, new HttpOptions("capped", null, null, null, null,
                    null, null, null), null).withMaxConnections(1);
            List<TunnelResult.Status> statuses = fixture.connect("capped", new RecordingEvents(), tcp, web);
            int port = TunnelFixture.port(statuses.get(0));

            List<Socket> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                held.add(echoed(port));
            }
            assertThat(Wire.refusedWithoutAnswer(port, "127.0.0.1")).isTrue();
            held.remove(0).close();
            Thread.sleep(200);
            Wire.Exchange served = Wire.echo(port, 256 * 1024, 7);
            assertThat(served.receivedSha256()).isEqualTo(served.sentSha256());
            for (Socket socket : held) {
                socket.close();
            }

            try (HttpWire first = new HttpWire(httpPort); HttpWire second = new HttpWire(httpPort)) {
                assertThat(first.exchange(HttpWire.get("capped.tunnel.test", "/")).text()).contains("backend: capped");
                HttpWire.Response busy = second.exchange(HttpWire.get("capped.tunnel.test", "/"));
                assertThat(busy.status()).as("the first keep-alive connection holds the only place").isEqualTo(429);
                assertThat(busy.header("Retry-After")).isNotNull();
            }
            Scrape.until(fixture.server().adminAddress(), s ->
                    Double.valueOf(2).equals(s.value("portway_public_connections_total{reason=\"limit\",result=\"refused\"}")));
        }
    }

    /** A connection through the tunnel that has carried one byte there and back, left open. */
    private static Socket echoed(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(5000);
        socket.getOutputStream().write(42);
        assertThat(socket.getInputStream().read()).isEqualTo(42);
        return socket;
    }
}
