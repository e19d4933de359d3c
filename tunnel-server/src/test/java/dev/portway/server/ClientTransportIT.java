package dev.portway.server;

import com.sun.net.httpserver.HttpServer;
import dev.portway.client.config.ClientConfig;
import dev.portway.client.config.ProxyConfig;
import dev.portway.client.config.ServerAddress;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.ClientConnectConfig;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.config.HttpsCertificateConfig;
import dev.portway.server.config.ProxyProtocolConfig;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.ForwardProxy;
import dev.portway.server.testkit.FreezableRelay;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TestCa;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.Wire;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.portway.server.testkit.TunnelFixture.WAIT;
import static dev.portway.server.testkit.TunnelFixture.port;
import static dev.portway.server.testkit.TunnelFixture.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ways a client reaches the server: the WebSocket transport on the HTTPS port (beside an http tunnel served on
 * that port), through real forward proxies (squid for HTTP CONNECT, dante for SOCKS5, from Debian's packages; the
 * cases are skipped where they are not installed), and failing over between server addresses. Each transfer sends
 * 64 MiB each way through an echo service and checks both digests and the clean end of the echo.
 */
@Timeout(180)
class ClientTransportIT {
    private static final String WEB_HOST = "app.example.test";
    /** The name a wss:// client dials; SNI cannot carry an IP address. */
    private static final String SERVER_NAME = "localhost";
    private static final long TRANSFER = 64L * 1024 * 1024;

    @TempDir
    Path dir;
    private TunnelFixture fixture;
    private EchoServer echo;
    private TestCa ca;
    private HttpServer web;
    private final List<ForwardProxy> proxies = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        echo = new EchoServer();
        ca = TestCa.create("portway-transport-ca");
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        echo.close();
        if (web != null) {
            web.stop(0);
        }
        for (ForwardProxy proxy : proxies) {
            proxy.close();
        }
    }

    @Test
    void theWebSocketTransportCarriesTunnelsWhileTheSamePortServesAnHttpTunnel() throws Exception {
        startServer();
        RecordingEvents events = new RecordingEvents();
        fixture.startClient(client(webSocket(), null), "ws", events);
        List<TunnelResult.Status> statuses = events.nextRegistration(WAIT);
        assertThat(statuses).allMatch(TunnelResult.Status::accepted);
        assertThat(fixture.server().sessions().size()).isOne();

        CompletableFuture<Wire.Exchange> transfer = CompletableFuture.supplyAsync(() -> echo(statuses.get(0)));
        // While the tunnel connection carries the transfer, the same port serves the http tunnel to a browser.
        for (int i = 0; i < 5; i++) {
            try (SSLSocket socket = ca.connect(fixture.server().httpsAddress().getPort(), WEB_HOST)) {
                assertThat(get(socket)).startsWith("HTTP/1.1 200").endsWith("hello from the web tunnel\n");
            }
        }
        assertIntact(transfer.join());
    }

    @Test
    void aClientWhoseFirstAddressRefusesConnectsToTheSecond() throws Exception {
        startServer();
        int refusing = closedPort();
        RecordingEvents events = new RecordingEvents();
        fixture.startClient(client(List.of(ServerAddress.direct(new HostPort("127.0.0.1", refusing)), webSocket()),
                null), "failover", events);

        assertThat(events.nextDisconnect(WAIT)).startsWith("cannot connect to 127.0.0.1:" + refusing + ": ");
        assertThat(events.retryDelays()).containsExactly(0L);
        List<TunnelResult.Status> statuses = events.nextRegistration(WAIT);
        assertIntact(echo(statuses.get(0)));
    }

    @Test
    void aWebSocketClientBehindATrustedLoadBalancerIsKnownByTheAddressItsHeaderNames() throws Exception {
        startServer(Duration.ofSeconds(10), List.of("127.0.0.1/32"));
        byte[] header = "PROXY TCP4 203.0.113.7 127.0.0.1 40000 443\r\n".getBytes(StandardCharsets.US_ASCII);
        try (FreezableRelay balancer = new FreezableRelay(
                new InetSocketAddress("127.0.0.1", fixture.server().httpsAddress().getPort()), header)) {
            RecordingEvents events = new RecordingEvents();
            fixture.startClient(client(new ServerAddress(ServerAddress.Kind.WEBSOCKET,
                    new HostPort(SERVER_NAME, balancer.port()), "/_portway/connect"), null), "behind-lb", events);

            assertThat(events.nextRegistration(WAIT)).allMatch(TunnelResult.Status::accepted);
            assertThat(fixture.server().sessions().all()).singleElement()
                    .satisfies(session -> assertThat(session.peer()).isEqualTo(
                            new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 40000)));
        }
    }

    @Test
    void throughSquidWithoutAuthenticationBothTransportsWork() throws Exception {
        assumeTrue(ForwardProxy.squidInstalled(), "squid is not installed");
        startServer();
        ForwardProxy squid = started(ForwardProxy.squid(null, null));
        ProxyConfig proxy = ProxyConfig.parse("http://127.0.0.1:" + squid.port(), List.of(), "proxy");

        transferThrough(List.of(direct()), proxy, "squid-direct");
        transferThrough(List.of(webSocket()), proxy, "squid-ws");
    }

    @Test
    void throughSquidWithBasicAuthenticationAndAClearErrorForAWrongPassword() throws Exception {
        assumeTrue(ForwardProxy.squidInstalled(), "squid is not installed");
        startServer();
        ForwardProxy squid = started(ForwardProxy.squid("lan-user", "right-password"));

        transferThrough(List.of(webSocket()), ProxyConfig.parse("http://lan-user:right-password@127.0.0.1:"
                + squid.port(), List.of(), "proxy"), "squid-auth");

        RecordingEvents events = new RecordingEvents();
        fixture.startClient(client(List.of(direct()), ProxyConfig.parse("http://lan-user:wrong@127.0.0.1:"
                + squid.port(), List.of(), "proxy")), "squid-wrong", events);
        String reason = events.nextDisconnect(WAIT);
        assertThat(reason).contains("proxy http://lan-user:***@127.0.0.1:" + squid.port())
                .contains("407")
                .doesNotContain("wrong");
        assertThat(events.nextDisconnect(WAIT)).contains("407");
        assertThat(events.retryDelays()).allMatch(delay -> delay > 0);
    }

    @Test
    void throughDanteWithAUserAndAClearErrorForAWrongPassword() throws Exception {
        assumeTrue(ForwardProxy.socksUserExists(), "dante or its test user (.ci/run creates it) is missing");
        startServer();
        ForwardProxy dante = started(ForwardProxy.dante(true));

        transferThrough(List.of(direct()), ProxyConfig.parse("socks5://" + ForwardProxy.SOCKS_USER + ":"
                + ForwardProxy.SOCKS_PASSWORD + "@127.0.0.1:" + dante.port(), List.of(), "proxy"), "dante");

        RecordingEvents events = new RecordingEvents();
        fixture.startClient(client(List.of(webSocket()), ProxyConfig.parse("socks5://" + ForwardProxy.SOCKS_USER
                + ":wrong@127.0.0.1:" + dante.port(), List.of(), "proxy")), "dante-wrong", events);
        String reason = events.nextDisconnect(WAIT);
        assertThat(reason).contains("proxy socks5://" + ForwardProxy.SOCKS_USER + ":***@127.0.0.1:" + dante.port())
                .contains("refused the user name or password")
                .doesNotContain("wrong");
        assertThat(events.retryDelays()).allMatch(delay -> delay > 0);
    }

    @Test
    void throughDanteWithoutAuthentication() throws Exception {
        assumeTrue(ForwardProxy.danteInstalled(), "dante is not installed");
        startServer();
        ForwardProxy dante = started(ForwardProxy.dante(false));
        transferThrough(List.of(webSocket()), ProxyConfig.parse("socks5://127.0.0.1:" + dante.port(), List.of(),
                "proxy"), "dante-open");
    }

    @Test
    void aWebSocketThatNeverAuthenticatesIsCutAtTheHandshakeDeadline() throws Exception {
        startServer(Duration.ofSeconds(1));
        try (SSLSocket socket = upgradedRawClient()) {
            long start = System.nanoTime();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
        assertThat(fixture.server().sessions().size()).isZero();
    }

    @Test
    void aWebSocketMessageLargerThanAFrameClosesThatConnectionOnly() throws Exception {
        startServer();
        RecordingEvents events = new RecordingEvents();
        fixture.startClient(client(webSocket(), null), "ws", events);
        TunnelResult.Status echoTunnel = events.nextRegistration(WAIT).get(0);
        try (SSLSocket socket = upgradedRawClient()) {
            // A masked binary message announcing 16 MiB, far past the largest frame a message may hold: the header
            // alone is refused, so the payload is never sent (the server may have closed before it would arrive).
            OutputStream out = socket.getOutputStream();
            out.write(new byte[] {(byte) 0x82, (byte) 0xFF, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0});
            out.flush();
            byte[] rest = socket.getInputStream().readAllBytes();
            // At most a close message (opcode 8, status 1009 "message too big") before the end of the stream.
            assertThat(rest.length).isLessThan(64);
        }
        assertIntact(echo(echoTunnel));
        assertThat(fixture.server().sessions().size()).isOne();
    }

    @Test
    void bytesSentRightBehindTheUpgradeRequestReachTheWebSocket() throws Exception {
        startServer();
        try (SSLSocket socket = rawClient()) {
            // A masked ping (zero key) in the same write as the request: it must not be lost with the HTTP decoder.
            byte[] request = upgradeRequest(SERVER_NAME, "portway.v1").getBytes(StandardCharsets.US_ASCII);
            byte[] ping = {(byte) 0x89, (byte) 0x84, 0, 0, 0, 0, 'a', 'b', 'c', 'd'};
            byte[] both = new byte[request.length + ping.length];
            System.arraycopy(request, 0, both, 0, request.length);
            System.arraycopy(ping, 0, both, request.length, ping.length);
            socket.getOutputStream().write(both);
            socket.getOutputStream().flush();
            assertThat(readHead(socket)).startsWith("HTTP/1.1 101 ");
            assertThat(socket.getInputStream().readNBytes(6)).containsExactly(0x8A, 4, 'a', 'b', 'c', 'd');
        }
    }

    @Test
    void aWebAppsOwnWebSocketOnThatPathStillReachesItsTunnel() throws Exception {
        startServer();
        RecordingEvents events = new RecordingEvents();
        fixture.startClient(client(List.of(direct()), null), "web", events);
        assertThat(events.nextRegistration(WAIT)).allMatch(TunnelResult.Status::accepted);
        try (SSLSocket socket = ca.connect(fixture.server().httpsAddress().getPort(), WEB_HOST)) {
            // "close" too: the app answers 200 and keeps the connection, which the test then reads to its end.
            socket.getOutputStream().write(upgradeRequest(WEB_HOST, "chat").replace("Connection: Upgrade",
                    "Connection: Upgrade, close").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 200").endsWith("hello from the web tunnel\n");
        }
    }

    /**
     * A TLS connection to the https port as {@link #SERVER_NAME}, trusting whatever certificate it gets (the
     * control port's self-signed one), upgraded to a client WebSocket; the 101 has been read.
     */
    private SSLSocket upgradedRawClient() throws Exception {
        SSLSocket socket = rawClient();
        socket.getOutputStream().write(upgradeRequest(SERVER_NAME, "portway.v1").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        String head = readHead(socket);
        assertThat(head).startsWith("HTTP/1.1 101 ")
                .contains("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
                .contains("sec-websocket-protocol: portway.v1");
        return socket;
    }

    /** A TLS connection to the https port as {@link #SERVER_NAME}, trusting whatever certificate it gets. */
    private SSLSocket rawClient() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        // Only the WebSocket is under test here, not the control certificate it is served with.
        context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        Socket plain = new Socket("127.0.0.1", fixture.server().httpsAddress().getPort());
        plain.setSoTimeout(20_000);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, SERVER_NAME, plain.getPort(),
                true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(SERVER_NAME)));
        socket.setSSLParameters(parameters);
        return socket;
    }

    private static String readHead(SSLSocket socket) throws IOException {
        StringBuilder head = new StringBuilder();
        InputStream in = socket.getInputStream();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("the upgrade's answer so far: %s", head).isNotNegative();
            head.append((char) b);
        }
        return head.toString();
    }

    private static String upgradeRequest(String host, String subprotocol) {
        // The key and its accept value are RFC 6455's own example.
        return "GET /_portway/connect HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " + subprotocol + "\r\n\r\n";
    }

    private void transferThrough(List<ServerAddress> servers, ProxyConfig proxy, String clientId) throws Exception {
        RecordingEvents events = new RecordingEvents();
        var client = fixture.startClient(client(servers, proxy), clientId, events);
        List<TunnelResult.Status> statuses = events.nextRegistration(WAIT);
        assertThat(statuses).allMatch(TunnelResult.Status::accepted);
        assertIntact(echo(statuses.get(0)));
        client.stop(Duration.ofSeconds(2));
    }

    private void startServer() throws Exception {
        startServer(Duration.ofSeconds(10));
    }

    private void startServer(Duration handshakeTimeout) throws Exception {
        startServer(handshakeTimeout, List.of());
    }

    /** @param trustedProxies the addresses whose connections to the public listeners start with a PROXY header */
    private void startServer(Duration handshakeTimeout, List<String> trustedProxies) throws Exception {
        TestCa.PemFiles files = ca.issue(WEB_HOST).written(dir, "web");
        int httpsPort = TunnelFixture.freePort();
        HttpConfig http = new HttpConfig(null, 0, httpsPort).withHttps(httpsPort,
                List.of(new HttpsCertificateConfig(List.of(WEB_HOST), files.cert(), files.key())),
                new ClientConnectConfig(true, "/_portway/connect", List.of(SERVER_NAME)));
        fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3, handshakeTimeout).withHttp(http)
                .withProxyProtocol(new ProxyProtocolConfig(trustedProxies)));
        web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", exchange -> {
            byte[] body = "hello from the web tunnel\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        web.start();
    }

    private ClientConfig client(ServerAddress server, ProxyConfig proxy) {
        return client(List.of(server), proxy);
    }

    /** A tcp tunnel to the echo service and an https-terminated http tunnel for {@link #WEB_HOST}. */
    private ClientConfig client(List<ServerAddress> servers, ProxyConfig proxy) {
        TunnelConfig site = new TunnelConfig("site", TunnelType.HTTP,
                new HostPort("127.0.0.1", web.getAddress().getPort()), 0,
                new HttpOptions(null, List.of(WEB_HOST), null, null, null, null, null, "terminate"), null);
        return fixture.clientConfig(fixture.controlAddress().getPort(), TunnelFixture.TOKEN,
                        List.of(tcp("echo", echo.port(), 0), site), Duration.ofSeconds(10))
                .withServers(servers, proxy);
    }

    private ServerAddress webSocket() {
        return new ServerAddress(ServerAddress.Kind.WEBSOCKET,
                new HostPort(SERVER_NAME, fixture.server().httpsAddress().getPort()), "/_portway/connect");
    }

    private ServerAddress direct() {
        return ServerAddress.direct(new HostPort("127.0.0.1", fixture.controlAddress().getPort()));
    }

    private ForwardProxy started(ForwardProxy proxy) {
        proxies.add(proxy);
        return proxy;
    }

    private static Wire.Exchange echo(TunnelResult.Status status) {
        try {
            return Wire.echo(port(status), TRANSFER, status.name().hashCode());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The echo returned every byte sent, unchanged, and then ended cleanly (a reset would have thrown). */
    private static void assertIntact(Wire.Exchange exchange) {
        assertThat(exchange.sent()).isEqualTo(TRANSFER);
        assertThat(exchange.received()).isEqualTo(exchange.sent());
        assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String get(SSLSocket socket) throws IOException {
        socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + WEB_HOST + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
