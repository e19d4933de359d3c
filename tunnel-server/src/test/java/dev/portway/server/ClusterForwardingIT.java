package dev.portway.server;

import dev.portway.client.TunnelClient;
import dev.portway.client.config.ClientConfig;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.testkit.ClusterFixture;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.FreePorts;
import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.NamedHttpService;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Scrape;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.Wire;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forwarding between nodes: two server processes on one PostgreSQL, each bound to a loopback address of its own
 * (127.0.0.11 and 127.0.0.12, the same port numbers on both), a client on each. Every tcp and http tunnel is reached
 * through either node, bytes and endings intact; a port a client of one node gives up is taken by a client of the
 * other, whose node stops forwarding it; a peer that does not know the cluster's secret gets no link.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterForwardingIT {
    private static final Duration FORWARDED = Duration.ofSeconds(15);
    private static final InetAddress A = address("127.0.0.11");
    private static final InetAddress B = address("127.0.0.12");

    private static ClusterFixture cluster;
    /** The same port numbers on both nodes, each node's on its own address. */
    private static ClusterFixture.Ports ports;
    private static ClusterFixture.Node nodeA;
    private static EchoServer echo;
    private static NamedHttpService webOne;
    private static NamedHttpService webTwo;
    private static TunnelFixture clients;
    private static TunnelClient one;
    private static int portOne;
    private static int portTwo;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new ClusterFixture();
        ports = ClusterFixture.Ports.free(true);
        portOne = FreePorts.next();
        portTwo = FreePorts.next();
        nodeA = cluster.start("a", A.getHostAddress(), ports);
        cluster.start("b", B.getHostAddress(), ports);
        echo = new EchoServer();
        webOne = new NamedHttpService("one");
        webTwo = new NamedHttpService("two");
        clients = new TunnelFixture();
        one = connect("one", A, tcp("tcp-one", portOne), web("web-one", "one", webOne));
        connect("two", B, tcp("tcp-two", portTwo), web("web-two", "two", webTwo));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (clients != null) {
            clients.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        for (AutoCloseable service : new AutoCloseable[] {echo, webOne, webTwo}) {
            if (service != null) {
                service.close();
            }
        }
    }

    private static TunnelConfig tcp(String name, int port) {
        return TunnelFixture.tcp(name, echo.port(), port);
    }

    private static TunnelConfig web(String name, String subdomain, NamedHttpService service) {
        return new TunnelConfig(name, TunnelType.HTTP, new HostPort("127.0.0.1", service.port()), 0,
                new HttpOptions(subdomain, null, null, null, null, null, null, null), null);
    }

    /** A client of the node at {@code node}, with its tunnels accepted. */
    private static TunnelClient connect(String clientId, InetAddress node, TunnelConfig... tunnels) throws Exception {
        ClientConfig config = cluster.clientConfig(List.of(new InetSocketAddress(node, ports.control())), tunnels);
        RecordingEvents events = new RecordingEvents();
        TunnelClient client = clients.startClient(config, clientId, events);
        assertThat(events.nextRegistration(TunnelFixture.WAIT)).allSatisfy(status -> assertThat(status.accepted())
                .as(status.toString()).isTrue());
        return client;
    }

    @Test
    @Order(1)
    void everyTunnelIsReachedThroughEitherNodeWithItsBytesAndEndings() throws Exception {
        for (InetAddress node : List.of(A, B)) {
            for (int port : List.of(portOne, portTwo)) {
                Wire.Exchange exchange = awaitEcho(node, port, 1024 * 1024);
                assertThat(exchange.receivedSha256()).as("port %d through %s", port, node)
                        .isEqualTo(exchange.sentSha256());
            }
            assertThat(awaitPage(node, "one").text()).contains("one");
            assertThat(awaitPage(node, "two").text()).contains("two");
        }
    }

    @Test
    @Order(2)
    void aLargeTransferCrossesTheHopWithFlowControl() throws Exception {
        Wire.Exchange exchange = Wire.echo(B, portOne, 32L * 1024 * 1024, 7);
        assertThat(exchange.received()).isEqualTo(exchange.sent());
        assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
    }

    @Test
    @Order(3)
    void aPortGivenUpOnOneNodeIsTakenOnTheOtherWhichStopsForwardingIt() throws Exception {
        one.close();
        long deadline = System.nanoTime() + FORWARDED.toNanos();
        TunnelClient three = null;
        while (three == null) {
            try {
                three = connect("three", B, tcp("tcp-three", portOne));
            } catch (AssertionError stillHeld) {
                // Node a has not released the port yet.
                assertThat(System.nanoTime()).as("port taken on node b").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
        for (InetAddress node : List.of(B, A)) {
            Wire.Exchange exchange = awaitEcho(node, portOne, 256 * 1024);
            assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
        }
    }

    @Test
    @Order(4)
    void aPeerWithoutTheSecretGetsNoLinkAnOversizedLineIsCutOffAndStrangersHoldFewHandshakes() throws Exception {
        try (SSLSocket socket = trustingAnyCertificate(A, ports.link())) {
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
            out.write(("PORTWAY-LINK 1 intruder " + nonce + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(in.readLine()).startsWith("PORTWAY-LINK 1 a ");
            out.write((Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]) + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(in.read()).as("closed after a wrong proof").isEqualTo(-1);
            assertThat(nodeA.process().awaitLineContaining("node link refused", Duration.ofSeconds(5)))
                    .contains("node=intruder", "does not know the cluster secret");
        }
        try (SSLSocket socket = trustingAnyCertificate(A, ports.link())) {
            OutputStream out = socket.getOutputStream();
            byte[] line = new byte[64 * 1024];
            java.util.Arrays.fill(line, (byte) 'x');
            try {
                out.write(line);
                out.flush();
            } catch (IOException closedWhileWriting) {
                // The node may close before all of it is written.
            }
            assertThat(socket.getInputStream().read()).as("closed after an oversized line").isEqualTo(-1);
        }
        assertThat(strangersCutOff(6)).as("silent connections beyond the 2 handshakes one address may hold")
                .isEqualTo(4);
        assertThat(awaitEcho(A, portTwo, 64 * 1024).received()).as("the real link still serves").isEqualTo(64 * 1024);
    }

    @Test
    @Order(5)
    void eachNodeCountsTheHopsItReceivedAndMeasuresItsLinks() throws Exception {
        for (InetAddress node : List.of(A, B)) {
            String peer = node == A ? "b" : "a";
            Scrape scrape = Scrape.until(new InetSocketAddress(node, ports.admin()), s ->
                    s.value("portway_cluster_link_rtt_seconds{peer=\"" + peer + "\"}") != null
                            && !s.value("portway_cluster_link_rtt_seconds{peer=\"" + peer + "\"}").isNaN());
            assertThat(scrape.value("portway_cluster_forwarded_streams_total{result=\"accepted\"}"))
                    .as("hops received by %s", node).isPositive();
            assertThat(scrape.value("portway_cluster_link_rtt_seconds{peer=\"" + peer + "\"}"))
                    .as("link rtt of %s", node).isPositive().isLessThan(1.0);
        }
    }

    /** Opens {@code count} silent connections to node a's link port; returns how many it closes at once. */
    private static int strangersCutOff(int count) throws IOException {
        List<Socket> strangers = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                strangers.add(new Socket(A, ports.link()));
            }
            int cut = 0;
            for (Socket stranger : strangers) {
                stranger.setSoTimeout(2000);
                try {
                    if (stranger.getInputStream().read() < 0) {
                        cut++;
                    }
                } catch (SocketTimeoutException stillWaiting) {
                    // Admitted: its handshake may take until the deadline.
                } catch (SocketException reset) {
                    cut++;
                }
            }
            return cut;
        } finally {
            for (Socket stranger : strangers) {
                stranger.close();
            }
        }
    }

    private static SSLSocket trustingAnyCertificate(InetAddress host, int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(host, port);
        socket.setSoTimeout(15_000);
        socket.startHandshake();
        return socket;
    }

    /** Echoes through {@code node} once the tunnel is served there (forwarding follows a claim within moments). */
    private static Wire.Exchange awaitEcho(InetAddress node, int port, long bytes) throws Exception {
        return Wire.awaitEcho(node, port, bytes, System.nanoTime() + FORWARDED.toNanos());
    }

    private static HttpWire.Response awaitPage(InetAddress node, String subdomain) throws Exception {
        long deadline = System.nanoTime() + FORWARDED.toNanos();
        while (true) {
            try (HttpWire wire = new HttpWire(node, ports.http())) {
                HttpWire.Response response = wire.exchange(
                        HttpWire.get(subdomain + "." + ClusterFixture.DOMAIN, "/"));
                if (response.status() == 200) {
                    return response;
                }
            }
            assertThat(System.nanoTime()).as(subdomain + " served through " + node).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
