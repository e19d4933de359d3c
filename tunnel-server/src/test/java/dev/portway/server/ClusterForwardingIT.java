package dev.portway.server;

import dev.portway.client.TunnelClient;
import dev.portway.client.config.ClientConfig;
import dev.portway.client.config.ServerAddress;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.tls.ServerCertificate;
import dev.portway.server.testkit.ClusterDatabase;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.FreePorts;
import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.JavaProcess;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
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
    private static final String DOMAIN = "cluster.test";
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration FORWARDED = Duration.ofSeconds(15);
    private static final InetAddress A = address("127.0.0.11");
    private static final InetAddress B = address("127.0.0.12");

    private static ClusterDatabase database;
    private static Path dir;
    private static JavaProcess nodeA;
    private static JavaProcess nodeB;
    private static int control;
    private static int http;
    private static int link;
    /** Each node's admin listener: node a's on 127.0.0.11, node b's on 127.0.0.12. */
    private static int admin;
    private static String fingerprint;
    private static EchoServer echo;
    private static NamedHttpService webOne;
    private static NamedHttpService webTwo;
    private static TunnelFixture clients;
    private static TunnelClient one;
    private static int portOne;
    private static int portTwo;

    @BeforeAll
    static void startCluster() throws Exception {
        dir = Files.createTempDirectory("portway-forwarding");
        database = ClusterDatabase.start();
        control = FreePorts.next();
        http = FreePorts.next();
        link = FreePorts.next();
        admin = FreePorts.next();
        portOne = FreePorts.next();
        portTwo = FreePorts.next();
        nodeA = startNode("a", A, "");
        fingerprint = nodeA.awaitLine("TLS certificate fingerprint: ", START)
                .substring("TLS certificate fingerprint: sha256:".length());
        Path tls = dir.resolve("a/data").resolve(ServerCertificate.TLS_DIR);
        nodeB = startNode("b", B, "tls: {cert: \"%s\", key: \"%s\"}\n".formatted(
                tls.resolve(ServerCertificate.CERT_FILE), tls.resolve(ServerCertificate.KEY_FILE)));
        nodeB.awaitLine("TLS certificate fingerprint: sha256:" + fingerprint, START);
        echo = new EchoServer();
        webOne = new NamedHttpService("one");
        webTwo = new NamedHttpService("two");
        clients = new TunnelFixture();
        one = connect("one", A, tcp("tcp-one", portOne), web("web-one", "one", webOne));
        connect("two", B, tcp("tcp-two", portTwo), web("web-two", "two", webTwo));
    }

    private static JavaProcess startNode(String name, InetAddress bind, String tls) throws Exception {
        Path nodeDir = Files.createDirectories(dir.resolve(name));
        Path config = nodeDir.resolve("server.yaml");
        Files.writeString(config, """
                bind: %s
                controlPort: %d
                dataDir: %s
                database: {url: "%s", user: "%s", password: "%s"}
                auth: {tokens: ["%s"]}
                admin: {bind: %s, port: %d}
                domain: %s
                http: {port: %d}
                https: {port: 0}
                keepAliveInterval: 1s
                shutdownGrace: 1s
                cluster: {nodeName: %s, advertise: "%s:%d", secret: "%s", heartbeat: 500ms, deadAfter: 3s}
                """.formatted(bind.getHostAddress(), control, nodeDir.resolve("data"), database.jdbcUrl(),
                database.user(), database.password(), TunnelFixture.TOKEN, bind.getHostAddress(), admin, DOMAIN, http,
                name, bind.getHostAddress(), link, ClusterDatabase.SECRET) + tls);
        JavaProcess node = JavaProcess.start("dev.portway.server.ServerMain", "-c", config.toString(),
                "--log-format", "text");
        node.awaitLine("Portway server ", START);
        return node;
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (clients != null) {
            clients.close();
        }
        for (JavaProcess node : new JavaProcess[] {nodeA, nodeB}) {
            if (node != null) {
                node.close();
            }
        }
        for (AutoCloseable service : new AutoCloseable[] {echo, webOne, webTwo, database}) {
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
        ClientConfig config = TunnelFixture.clientConfig(control, fingerprint, TunnelFixture.TOKEN, List.of(tunnels),
                Duration.ofSeconds(1)).withServers(List.of(
                ServerAddress.direct(new HostPort(node.getHostAddress(), control))), null);
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
    void aPeerWithoutTheSecretGetsNoLinkAndAnOversizedLineIsCutOff() throws Exception {
        try (SSLSocket socket = trustingAnyCertificate(A, link)) {
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
            assertThat(nodeA.awaitLineContaining("node link refused", Duration.ofSeconds(5)))
                    .contains("node=intruder", "does not know the cluster secret");
        }
        try (SSLSocket socket = trustingAnyCertificate(A, link)) {
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
        assertThat(awaitEcho(A, portTwo, 64 * 1024).received()).as("the real link still serves").isEqualTo(64 * 1024);
    }

    @Test
    @Order(5)
    void eachNodeCountsTheHopsItReceivedAndMeasuresItsLinks() throws Exception {
        for (InetAddress node : List.of(A, B)) {
            String peer = node == A ? "b" : "a";
            Scrape scrape = Scrape.until(new InetSocketAddress(node, admin), s ->
                    s.value("portway_cluster_link_rtt_seconds{peer=\"" + peer + "\"}") != null
                            && !s.value("portway_cluster_link_rtt_seconds{peer=\"" + peer + "\"}").isNaN());
            assertThat(scrape.value("portway_cluster_forwarded_streams_total{result=\"accepted\"}"))
                    .as("hops received by %s", node).isPositive();
            assertThat(scrape.value("portway_cluster_link_rtt_seconds{peer=\"" + peer + "\"}"))
                    .as("link rtt of %s", node).isPositive().isLessThan(1.0);
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
        long deadline = System.nanoTime() + FORWARDED.toNanos();
        while (true) {
            try {
                Wire.Exchange exchange = Wire.echo(node, port, bytes, port);
                if (exchange.received() == exchange.sent()) {
                    return exchange;
                }
            } catch (IOException notYet) {
                // Not served there yet.
            }
            assertThat(System.nanoTime()).as("port " + port + " served through " + node).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static HttpWire.Response awaitPage(InetAddress node, String subdomain) throws Exception {
        long deadline = System.nanoTime() + FORWARDED.toNanos();
        while (true) {
            try (HttpWire wire = new HttpWire(node, http)) {
                HttpWire.Response response = wire.exchange(HttpWire.get(subdomain + "." + DOMAIN, "/"));
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
