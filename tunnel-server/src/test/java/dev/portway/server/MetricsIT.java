package dev.portway.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portway.client.TunnelClient;
import dev.portway.client.config.ClientConfig;
import dev.portway.client.config.ClientMetricsConfig;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.TunnelType;
import dev.portway.client.metrics.ClientMetricsEndpoint;
import dev.portway.client.tls.ClientTlsContexts;
import dev.portway.monitor.micrometer.PrometheusMetrics;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.server.config.AdminConfig;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Scrape;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.UdpEchoServer;
import dev.portway.server.testkit.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static dev.portway.server.testkit.TunnelFixture.WAIT;
import static dev.portway.server.testkit.TunnelFixture.port;
import static dev.portway.server.testkit.TunnelFixture.tcp;
import static org.assertj.core.api.Assertions.assertThat;

/** The admin listener of a real server: what {@code /metrics} shows after real traffic, and its other paths. */
@Timeout(60)
class MetricsIT {
    private static final String USER = "static:1";

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

    /** Keep-alive every 250 ms, so the server has measured the client's RTT by the time the test scrapes. */
    private InetSocketAddress startServer() throws Exception {
        fixture.startServer(fixture.serverConfig(0, Duration.ofMillis(250), 20));
        return fixture.server().adminAddress();
    }

    @Test
    void scrapeAfterTrafficShowsBytesConnectionsStreamsAndClients() throws Exception {
        InetSocketAddress admin = startServer();
        TunnelResult.Status status = fixture.connect("c1", new RecordingEvents(), tcp("echo", echo.port(), 0)).get(0);

        Wire.Exchange first = Wire.echo(port(status), 100_000, 1);
        Wire.Exchange second = Wire.echo(port(status), 23_456, 2);
        assertThat(first.received()).isEqualTo(100_000);
        assertThat(second.received()).isEqualTo(23_456);

        String tunnel = "tunnel=\"echo\",user=\"" + USER + "\"";
        Scrape scrape = Scrape.until(admin, s -> Double.valueOf(0).equals(s.value("portway_streams_open{type=\"tcp\"}"))
                && s.value("portway_client_rtt_seconds{client=\"c1\"}") != null
                && !s.value("portway_client_rtt_seconds{client=\"c1\"}").isNaN());

        assertThat(scrape.value("portway_tunnel_bytes_total{direction=\"in\"," + tunnel + "}")).isEqualTo(123_456);
        assertThat(scrape.value("portway_tunnel_bytes_total{direction=\"out\"," + tunnel + "}")).isEqualTo(123_456);
        assertThat(scrape.value("portway_public_connections_total{reason=\"none\",result=\"accepted\"}")).isEqualTo(2);
        assertThat(scrape.value("portway_public_connections_total{reason=\"client_offline\",result=\"refused\"}"))
                .isZero();
        assertThat(scrape.value("portway_streams_total{type=\"tcp\"}")).isEqualTo(2);
        assertThat(scrape.value("portway_clients_connected")).isEqualTo(1);
        assertThat(scrape.value("portway_tunnel_up{tunnel=\"echo\",type=\"tcp\",user=\"" + USER + "\"}")).isEqualTo(1);
        assertThat(scrape.value("portway_client_rtt_seconds{client=\"c1\"}")).isPositive().isLessThan(5);
        assertThat(scrape.value("portway_auth_failures_total{reason=\"invalid_token\"}")).isZero();
        assertThat(scrape.names()).contains("jvm_memory_used_bytes", "portway_netty_allocator_used_direct_memory_bytes");
    }

    @Test
    void clientLeavingTakesItsGaugesAlong() throws Exception {
        InetSocketAddress admin = startServer();
        RecordingEvents events = new RecordingEvents();
        TunnelClient client = fixture.startClient(fixture.clientConfig(fixture.controlAddress().getPort(),
                TunnelFixture.TOKEN, List.of(tcp("echo", echo.port(), 0)), Duration.ofSeconds(10)), "c1", events);
        events.nextRegistration(WAIT);
        Scrape.until(admin, s -> Double.valueOf(1).equals(s.value("portway_clients_connected"))
                && s.text().contains("portway_client_rtt_seconds{client=\"c1\"}"));

        client.stop(Duration.ZERO);

        Scrape scrape = Scrape.until(admin, s -> Double.valueOf(0).equals(s.value("portway_clients_connected")));
        assertThat(scrape.text()).doesNotContain("portway_tunnel_up{", "portway_client_rtt_seconds{");
    }

    @Test
    void clientServesItsOwnMetrics() throws Exception {
        startServer();
        ClientConfig config = fixture.clientConfig(fixture.controlAddress().getPort(), TunnelFixture.TOKEN,
                List.of(tcp("echo", echo.port(), 0)), Duration.ofMillis(250)).withMetrics(new ClientMetricsConfig(0));
        try (PrometheusMetrics prometheus = PrometheusMetrics.forClient();
             ClientMetricsEndpoint endpoint = ClientMetricsEndpoint.start(config.metrics(), prometheus)) {
            RecordingEvents events = new RecordingEvents();
            TunnelClient client = new TunnelClient(config, "c1", ClientTlsContexts.create(config.tls()), events,
                    prometheus.recorder(), null);
            try {
                client.start();
                TunnelResult.Status status = events.nextRegistration(WAIT).get(0);
                assertThat(Wire.echo(port(status), 5000, 4).received()).isEqualTo(5000);

                Scrape scrape = Scrape.until(endpoint.address(),
                        s -> Double.valueOf(5000).equals(s.value("portway_tunnel_bytes_total{direction=\"out\",tunnel=\"echo\",user=\"\"}"))
                                && s.value("portway_client_rtt_seconds{client=\"c1\"}") != null
                                && !s.value("portway_client_rtt_seconds{client=\"c1\"}").isNaN());
                assertThat(scrape.value("portway_tunnel_bytes_total{direction=\"in\",tunnel=\"echo\",user=\"\"}"))
                        .isEqualTo(5000);
                assertThat(scrape.value("portway_clients_connected")).isEqualTo(1);
                assertThat(scrape.value("portway_client_reconnects_total")).isNotNull();
                assertThat(Scrape.get(endpoint.address(), "/other").statusCode()).isEqualTo(404);
            } finally {
                client.close();
            }
        }
    }

    /** A client counts UDP payload bytes like the server does, and its scrape holds no server-only family. */
    @Test
    void clientCountsUdpBytesAndShowsNoServerOnlyFamilies() throws Exception {
        startServer();
        try (UdpEchoServer udpEcho = new UdpEchoServer();
             PrometheusMetrics prometheus = PrometheusMetrics.forClient();
             DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            TunnelConfig tunnel = new TunnelConfig("dns", TunnelType.UDP, new HostPort("127.0.0.1", udpEcho.port()), 0);
            ClientConfig config = fixture.clientConfig(fixture.controlAddress().getPort(), TunnelFixture.TOKEN,
                    List.of(tunnel), Duration.ofMillis(250));
            RecordingEvents events = new RecordingEvents();
            TunnelClient client = new TunnelClient(config, "c1", ClientTlsContexts.create(config.tls()), events,
                    prometheus.recorder(), null);
            try {
                client.start();
                int publicPort = port(events.nextRegistration(WAIT).get(0));
                byte[] message = new byte[100];
                peer.setSoTimeout(500);
                DatagramPacket reply = new DatagramPacket(new byte[200], 200);
                for (int attempt = 0; ; attempt++) {
                    peer.send(new DatagramPacket(message, message.length, InetAddress.getLoopbackAddress(), publicPort));
                    try {
                        peer.receive(reply);
                        break;
                    } catch (SocketTimeoutException lost) {
                        assertThat(attempt).as("round trips lost").isLessThan(20);
                    }
                }
                String in = "portway_tunnel_bytes_total{direction=\"in\",tunnel=\"dns\",user=\"\"}";
                String out = "portway_tunnel_bytes_total{direction=\"out\",tunnel=\"dns\",user=\"\"}";
                // Both directions were counted before the reply reached the peer.
                Scrape scrape = Scrape.parse(prometheus.scrape());
                assertThat(scrape.value(out) % 100).isZero();
                assertThat(scrape.value(out)).isGreaterThanOrEqualTo(100);
                assertThat(scrape.value(in) % 100).isZero();
                assertThat(scrape.value(in)).isGreaterThanOrEqualTo(100);
                assertThat(scrape.names()).contains("portway_udp_flows", "portway_udp_datagrams_dropped_total",
                                "portway_clients_connected", "portway_client_reconnects_total")
                        .doesNotContain("portway_public_connections_total", "portway_auth_failures_total",
                                "portway_quota_events_total");
            } finally {
                client.close();
            }
        }
    }

    @Test
    void wrongTokenCountsAsAuthFailure() throws Exception {
        InetSocketAddress admin = startServer();
        RecordingEvents events = new RecordingEvents();
        fixture.startClient(fixture.clientConfig(fixture.controlAddress().getPort(), "not-the-token",
                List.of(tcp("echo", echo.port(), 0)), Duration.ofSeconds(10)), "c1", events);
        assertThat(events.nextRefusal(WAIT)).isEqualTo("invalid token");

        Scrape scrape = Scrape.until(admin,
                s -> s.value("portway_auth_failures_total{reason=\"invalid_token\"}") >= 1);
        assertThat(scrape.value("portway_clients_connected")).isZero();
    }

    @Test
    void metricsHealthAndProblemResponses() throws Exception {
        InetSocketAddress admin = startServer();
        ObjectMapper json = new ObjectMapper();

        HttpResponse<String> metrics = Scrape.get(admin, "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");

        HttpResponse<String> health = Scrape.get(admin, "/healthz");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(json.readTree(health.body())).isEqualTo(json.readTree("{\"status\":\"up\"}"));

        HttpResponse<String> missing = Scrape.get(admin, "/nothing/here?x=1");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("content-type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(missing.body());
        assertThat(problem.get("type").asText()).isEqualTo("about:blank");
        assertThat(problem.get("title").asText()).isEqualTo("Not Found");
        assertThat(problem.get("status").asInt()).isEqualTo(404);
        assertThat(problem.get("detail").asText()).isEqualTo("no resource at /nothing/here");

        HttpResponse<String> post = Scrape.send(admin, "/metrics", "POST");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET");
        assertThat(json.readTree(post.body()).get("status").asInt()).isEqualTo(405);
    }

    @Test
    void disabledAdminListenerBindsNothing() throws Exception {
        fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3).withAdmin(AdminConfig.DISABLED));
        assertThat(fixture.server().adminAddress()).isNull();
        TunnelResult.Status status = fixture.connect("c1", new RecordingEvents(), tcp("echo", echo.port(), 0)).get(0);
        assertThat(Wire.echo(port(status), 1000, 3).received()).isEqualTo(1000);
    }
}
