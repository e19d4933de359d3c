package dev.portway.server;

import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.IpRules;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.AccessConfig;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.HttpBackend;
import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Scrape;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.UdpEchoServer;
import dev.portway.server.testkit.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Address rules over real sockets: a tunnel that denies 127.0.0.0/8 refuses every loopback peer (TCP closed, HTTP 403,
 * UDP dropped) while its twin that allows it serves, bytes checked; the server's own deny list and its list of client
 * networks; each refusal counted.
 */
@Timeout(120)
class IpRulesIT {
    private static final IpRules DENY_LOOPBACK = new IpRules(List.of(), List.of("127.0.0.0/8"));
    private static final IpRules ALLOW_LOOPBACK = new IpRules(List.of("127.0.0.0/8", "::1"), List.of());
    private final TunnelFixture fixture;

    IpRulesIT() throws IOException {
        fixture = new TunnelFixture();
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
    }

    private static TunnelConfig tcp(String name, int localPort, IpRules rules) {
        return new TunnelConfig(name, TunnelType.TCP, new HostPort("127.0.0.1", localPort), 0, null, null, null, null,
                rules);
    }

    private static TunnelConfig web(String name, int localPort, String subdomain, IpRules rules) {
        return new TunnelConfig(name, TunnelType.HTTP, new HostPort("127.0.0.1", localPort), 0,
                new HttpOptions(subdomain, null, null, null, null, null, null, null), null, null, null, rules);
    }

    private static TunnelConfig udp(String name, int localPort, IpRules rules) {
        return new TunnelConfig(name, TunnelType.UDP, new HostPort("127.0.0.1", localPort), 0, null, null, null, null,
                rules);
    }

    @Test
    void aTunnelThatDeniesThePeerRefusesItOnEveryTypeWhileOneThatAllowsItServes() throws Exception {
        int httpPort = TunnelFixture.freePort();
        fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                .withHttp(new HttpConfig("tunnel.test", httpPort, 0)));
        try (EchoServer echo = new EchoServer(); HttpBackend backend = new HttpBackend("web");
             UdpEchoServer udpEcho = new UdpEchoServer()) {
            List<TunnelResult.Status> statuses = fixture.connect("rules", new RecordingEvents(),
                    tcp("closed", echo.port(), DENY_LOOPBACK), tcp("open", echo.port(), ALLOW_LOOPBACK),
                    web("closed-web", backend.port(), "closed", DENY_LOOPBACK),
                    web("open-web", backend.port(), "open", ALLOW_LOOPBACK),
                    udp("closed-udp", udpEcho.port(), DENY_LOOPBACK), udp("open-udp", udpEcho.port(), ALLOW_LOOPBACK));
            Map<String, TunnelResult.Status> byName = new java.util.HashMap<>();
            statuses.forEach(status -> byName.put(status.name(), status));
            assertThat(statuses).allMatch(TunnelResult.Status::accepted);

            assertThat(Wire.refusedWithoutAnswer(TunnelFixture.port(byName.get("closed")), "127.0.0.1")).isTrue();
            Wire.Exchange served = Wire.echo(TunnelFixture.port(byName.get("open")), 1 << 20, 3);
            assertThat(served.receivedSha256()).isEqualTo(served.sentSha256());

            try (HttpWire wire = new HttpWire(httpPort)) {
                HttpWire.Response refused = wire.exchange(HttpWire.get("closed.tunnel.test", "/"));
                assertThat(refused.status()).isEqualTo(403);
                assertThat(refused.text()).contains("does not take requests from your address");
                assertThat(wire.exchange(HttpWire.get("open.tunnel.test", "/")).text()).contains("backend: web");
            }
            assertThat(backend.connectionsAccepted()).as("the refused request never reached it").isEqualTo(1);

            assertThat(udpAnswer(TunnelFixture.port(byName.get("closed-udp")), 3)).isNull();
            assertThat(udpAnswer(TunnelFixture.port(byName.get("open-udp")), 10)).isEqualTo("datagram");


            Scrape scrape = Scrape.until(fixture.server().adminAddress(), s ->
                    Double.valueOf(2).equals(s.value("portway_public_connections_total{reason=\"ip_denied\",result=\"refused\"}")));
            assertThat(scrape.value("portway_udp_datagrams_dropped_total{reason=\"ip_denied\"}")).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void theServersDenyListAndClientNetworksApplyToEveryTunnelAndTheControlPort() throws Exception {
        fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                .withAccess(new AccessConfig(List.of("127.0.0.2"), List.of())));
        try (EchoServer echo = new EchoServer()) {
            int port = TunnelFixture.port(fixture.connect("server-deny", new RecordingEvents(),
                    tcp("echo", echo.port(), null)).get(0));
            assertThat(Wire.refusedWithoutAnswer(port, "127.0.0.2")).isTrue();
            Wire.Exchange served = Wire.echo(port, 64 * 1024, 5);
            assertThat(served.receivedSha256()).isEqualTo(served.sentSha256());
        }
        fixture.stopServer();

        fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                .withAccess(new AccessConfig(List.of(), List.of("10.0.0.0/8"))));
        RecordingEvents events = new RecordingEvents();
        fixture.startClient(fixture.clientConfig(fixture.controlAddress().getPort(), TunnelFixture.TOKEN,
                List.of(tcp("echo", 1, null)), Duration.ofSeconds(10)), "outsider", events);
        Scrape.until(fixture.server().adminAddress(), s -> s.value("portway_auth_failures_total{reason=\"address_denied\"}") != null
                && s.value("portway_auth_failures_total{reason=\"address_denied\"}") >= 1);
        assertThat(fixture.server().sessions().all()).isEmpty();
    }

    private static String udpAnswer(int port, int attempts) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(500);
            byte[] sent = "datagram".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < attempts; i++) {
                socket.send(new DatagramPacket(sent, sent.length, InetAddress.getLoopbackAddress(), port));
                DatagramPacket answer = new DatagramPacket(new byte[64], 64);
                try {
                    socket.receive(answer);
                    return new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8);
                } catch (SocketTimeoutException none) {
                    // dropped, or the flow is still opening
                }
            }
            return null;
        }
    }
}
