package dev.portway.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portway.client.TunnelClient;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.http.AccessLog;
import dev.portway.server.testkit.HttpBackend;
import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.PatternStream;
import dev.portway.server.testkit.PeakSampler;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Scrape;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.WebSocketEcho;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HTTP virtual-host tunnels end to end: the real server and client on loopback, raw HTTP on the public port. */
@Timeout(120)
class HttpVhostIT {
    private static final String DOMAIN = "tunnel.test";
    private static final String APP = "app." + DOMAIN;

    private TunnelFixture fixture;
    private HttpBackend one;
    private HttpBackend two;
    private int httpPort;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        one = new HttpBackend("one");
        two = new HttpBackend("two");
        httpPort = TunnelFixture.freePort();
        HttpConfig http = new HttpConfig(DOMAIN, httpPort, 0)
                .withLimits(32 * 1024, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(2))
                .withBodyIdleTimeout(Duration.ofSeconds(1));
        ServerConfig config = fixture.serverConfig(0, Duration.ofSeconds(10), 3).withHttp(http);
        fixture.startServer(config);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        one.close();
        two.close();
    }

    private static HttpOptions routes(String subdomain, List<String> customDomains, List<String> locations) {
        return new HttpOptions(subdomain, customDomains, locations, null, null, null, null, null);
    }

    private static TunnelConfig http(String name, int localPort, HttpOptions options) {
        return new TunnelConfig(name, TunnelType.HTTP, new HostPort("127.0.0.1", localPort), 0, options, null);
    }

    private List<TunnelResult.Status> connect(TunnelConfig... tunnels) throws Exception {
        List<TunnelResult.Status> statuses = fixture.connect("c1", new RecordingEvents(), tunnels);
        for (TunnelResult.Status status : statuses) {
            assertThat(status.accepted()).as(status.reason()).isTrue();
        }
        return statuses;
    }

    private void connectApp() throws Exception {
        connect(http("app", one.port(), routes("app", null, null)));
    }

    private HttpWire wire() throws Exception {
        return new HttpWire(httpPort);
    }

    @Test
    void subdomainCustomDomainAndWildcardReachTheirTunnels() throws Exception {
        List<TunnelResult.Status> statuses = connect(http("app", one.port(), routes("app", null, null)),
                http("site", two.port(), routes(null, List.of("www.example.org", "*.example.net"), null)));
        assertThat(statuses.get(0).publicAddress()).isEqualTo("http://" + APP + ":" + httpPort);

        try (HttpWire wire = wire()) {
            assertThat(wire.exchange(HttpWire.get(APP, "/")).text()).contains("backend: one");
            assertThat(wire.exchange(HttpWire.get("WWW.example.org:" + httpPort, "/")).text()).contains("backend: two");
            assertThat(wire.exchange(HttpWire.get("x.example.net", "/")).text()).contains("backend: two");
            HttpWire.Response deeper = wire.exchange(HttpWire.get("a.b.example.net", "/"));
            assertThat(deeper.status()).isEqualTo(404);
            assertThat(deeper.text()).contains("a.b.example.net");
        }
    }

    @Test
    void headerRulesThatSplitHeadsOrTouchFramingAreRefusedWithTheirReason() throws Exception {
        List<TunnelResult.Status> statuses = fixture.connect("c1", new RecordingEvents(),
                http("split", one.port(), new HttpOptions("split", null, null, null, null,
                        new HttpOptions.HeaderRules(Map.of("X-A", "a\r\nSet-Cookie: s=1"), null), null, null)),
                http("length", one.port(), new HttpOptions("length", null, null, null, null,
                        new HttpOptions.HeaderRules(Map.of("Content-Length", "0"), null), null, null)),
                http("app", one.port(), new HttpOptions("app", null, null, null, null,
                        new HttpOptions.HeaderRules(Map.of("X-Served-By", "portway"), null), null, null)));

        assertThat(statuses.get(0).accepted()).isFalse();
        assertThat(statuses.get(0).reason()).startsWith("responseHeaders.set.X-A: expected a value without control");
        assertThat(statuses.get(1).accepted()).isFalse();
        assertThat(statuses.get(1).reason()).contains("responseHeaders.set.Content-Length")
                .contains("framing and connection headers");
        assertThat(statuses.get(2).accepted()).as(statuses.get(2).reason()).isTrue();
        try (HttpWire wire = wire()) {
            HttpWire.Response response = wire.exchange(HttpWire.get(APP, "/"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Served-By")).isEqualTo("portway");
            assertThat(response.text()).contains("backend: one");
            assertThat(wire.exchange(HttpWire.get("split." + DOMAIN, "/")).status()).isEqualTo(404);
        }
    }

    @Test
    void pathLocationsAndHostSwitchesOnOneKeepAliveConnection() throws Exception {
        connect(http("site", one.port(), routes(null, List.of("shop.test"), null)),
                http("api", two.port(), routes(null, List.of("shop.test"), List.of("/api"))),
                http("app", two.port(), routes("app", null, null)));

        try (HttpWire wire = wire()) {
            assertThat(wire.exchange(HttpWire.get("shop.test", "/")).text()).contains("backend: one");
            assertThat(wire.exchange(HttpWire.get("shop.test", "/index.html")).text()).contains("backend: one");
            assertThat(wire.exchange(HttpWire.get("shop.test", "/api/users")).text()).contains("backend: two")
                    .contains("uri: /api/users");
            assertThat(wire.exchange(HttpWire.get(APP, "/")).text()).contains("backend: two");
            assertThat(wire.exchange(HttpWire.get("shop.test", "/")).text()).contains("backend: one");
        }
        // Two consecutive requests to one tunnel shared a local connection.
        assertThat(one.connectionsAccepted()).isEqualTo(2);
    }

    @Test
    void anAbsoluteFormTargetIsRoutedByItsAuthorityAndSentInOriginForm() throws Exception {
        connect(http("app", one.port(), routes("app", null, null)),
                http("other", two.port(), routes("other", null, null)));
        try (HttpWire wire = wire()) {
            String text = wire.exchange("GET http://other." + DOMAIN + "/x?q=1 HTTP/1.1\r\nHost: " + APP + "\r\n\r\n")
                    .text();
            assertThat(text).contains("backend: two", "uri: /x?q=1").containsIgnoringCase("Host: other." + DOMAIN)
                    .doesNotContain(APP);
            assertThat(wire.exchange("GET http://me@" + APP + "/ HTTP/1.1\r\nHost: " + APP + "\r\n\r\n").status())
                    .isEqualTo(400);
        }
        assertThat(one.connectionsAccepted()).isZero();
    }

    @Test
    void pathsAreRoutedAndSentNormalisedAndUnsafeOnesAre400() throws Exception {
        connect(http("site", one.port(), routes(null, List.of("shop.test"), null)),
                http("admin", two.port(), routes(null, List.of("shop.test"), List.of("/admin"))));
        try (HttpWire wire = wire()) {
            for (String path : List.of("/%61dmin/x", "//admin/x", "/./admin/x", "/a/../admin/x", "/a/%2e%2e/admin/x")) {
                assertThat(wire.exchange(HttpWire.get("shop.test", path)).text()).as(path)
                        .contains("backend: two", "uri: /admin/x");
            }
        }
        for (String path : List.of("/../admin", "/a%2Fadmin", "/a%5Cadmin", "/a%00", "/a%zz")) {
            try (HttpWire wire = wire()) {
                assertThat(wire.exchange(HttpWire.get("shop.test", path)).status()).as(path).isEqualTo(400);
                assertThat(wire.closedByPeer()).isTrue();
            }
        }
        assertThat(one.connectionsAccepted()).isZero();
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        connectApp();
        try (HttpWire wire = wire()) {
            wire.send(HttpWire.get(APP, "/first") + HttpWire.get(APP, "/chunked") + HttpWire.get(APP, "/third"));
            assertThat(wire.read(false).text()).contains("uri: /first");
            assertThat(wire.read(false).text()).isEqualTo("alpha beta gamma");
            assertThat(wire.read(false).text()).contains("uri: /third");
        }
    }

    @Test
    void aPeerThatPipelinesAndNeverReadsIsNotReadEither() throws Exception {
        // Each 404 names the host, so every answer is larger than its request.
        byte[] request = HttpWire.get("x".repeat(500) + ".nowhere.test", "/").getBytes(StandardCharsets.US_ASCII);
        long all = 50_000L * request.length;
        try (Socket socket = new Socket(); PeakSampler memory = new PeakSampler(Duration.ofMillis(20), HttpVhostIT::usedDirectMemory)) {
            socket.setReceiveBufferSize(8 * 1024);
            socket.setSendBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), httpPort));
            long before = usedDirectMemory();
            AtomicLong written = new AtomicLong();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    while (written.get() < all) {
                        out.write(request);
                        written.addAndGet(request.length);
                    }
                } catch (IOException e) {
                    // the socket is closed at the end of the test
                }
            });
            long seen = -1;
            while (written.get() != seen && !writer.isDone()) {
                seen = written.get();
                Thread.sleep(1000);
            }
            // The server stopped reading: the writer is stuck once the socket buffers are full.
            assertThat(writer).isNotDone();
            assertThat(written.get()).isLessThan(all / 2);
            assertThat(memory.peak() - before).isLessThan(4L * 1024 * 1024);
        }
    }

    @Test
    void aLocalServiceClosingItsConnectionLeavesThePublicOneOpen() throws Exception {
        connectApp();
        try (HttpWire wire = wire()) {
            HttpWire.Response closing = wire.exchange(HttpWire.get(APP, "/close"));
            assertThat(closing.text()).isEqualTo("closing");
            assertThat(closing.header("Connection")).isNull();
            assertThat(wire.exchange(HttpWire.get(APP, "/again")).text()).contains("uri: /again");
        }
        assertThat(one.connectionsAccepted()).isEqualTo(2);
    }

    @Test
    void aPeerThatHalfClosesInsideItsRequestBodyIsClosedNotLeftWaiting() throws Exception {
        connectApp();
        try (HttpWire wire = wire()) {
            wire.send("POST /upload HTTP/1.1\r\nHost: " + APP + "\r\nContent-Length: 100\r\n\r\n0123456789");
            wire.shutdownOutput();
            assertThat(wire.closedByPeer()).isTrue();
        }
    }

    @Test
    void connectIs405AndCloses() throws Exception {
        connectApp();
        try (HttpWire wire = wire()) {
            HttpWire.Response answer = wire.exchange("CONNECT " + APP + ":443 HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
            assertThat(answer.status()).isEqualTo(405);
            assertThat(wire.closedByPeer()).isTrue();
        }
    }

    @Test
    void aPeerThatHalfClosesAfterItsRequestStillGetsTheAnswer() throws Exception {
        connectApp();
        try (HttpWire wire = wire()) {
            wire.send(HttpWire.get(APP, "/last"));
            wire.shutdownOutput();
            assertThat(wire.read(false).text()).contains("uri: /last");
            assertThat(wire.closedByPeer()).isTrue();
        }
    }

    @Test
    void headersAreRewrittenAndForwardingHeadersComeFromTheServer() throws Exception {
        HttpOptions options = new HttpOptions("app", null, null, "internal.local",
                new HttpOptions.HeaderRules(Map.of("X-Tenant", "t1"), List.of("Cookie")),
                new HttpOptions.HeaderRules(Map.of("X-Via", "portway"), List.of("Server")), null, null);
        connect(http("app", one.port(), options));

        try (HttpWire wire = wire()) {
            HttpWire.Response response = wire.exchange("GET / HTTP/1.1\r\nHost: " + APP + "\r\n"
                    + "X-Forwarded-For: 6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\nX-Forwarded-Proto: https\r\n"
                    + "Cookie: session=1\r\n\r\n");
            assertThat(response.text()).containsIgnoringCase("Host: internal.local");
            assertThat(response.text()).contains("X-Forwarded-For: 127.0.0.1",
                    "X-Real-IP: 127.0.0.1", "X-Forwarded-Proto: http", "X-Forwarded-Host: " + APP, "X-Tenant: t1")
                    .doesNotContain("6.6.6.6").doesNotContain("Cookie");
            assertThat(response.header("Server")).isNull();
            assertThat(response.header("X-Via")).isEqualTo("portway");
        }
    }

    @Test
    void basicAuthAnswers401UntilTheRightCredentialsCome() throws Exception {
        HttpOptions options = new HttpOptions("app", null, null, null, null, null,
                new HttpOptions.BasicAuth("me", "open-sesame"), null);
        connect(http("app", one.port(), options));

        try (HttpWire wire = wire()) {
            HttpWire.Response none = wire.exchange(HttpWire.get(APP, "/"));
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.header("WWW-Authenticate")).startsWith("Basic realm=\"app\"");
            HttpWire.Response wrong = wire.exchange("GET / HTTP/1.1\r\nHost: " + APP
                    + "\r\nAuthorization: Basic bWU6d3Jvbmc=\r\n\r\n");
            assertThat(wrong.status()).isEqualTo(401);
            HttpWire.Response right = wire.exchange("GET / HTTP/1.1\r\nHost: " + APP
                    + "\r\nAuthorization: Basic bWU6b3Blbi1zZXNhbWU=\r\n\r\n");
            assertThat(right.status()).isEqualTo(200);
            assertThat(right.text()).contains("backend: one").doesNotContain("Authorization");
        }
    }

    @Test
    void anUnknownHostIs404NamingTheHost() throws Exception {
        connectApp();
        try (HttpWire wire = wire()) {
            HttpWire.Response response = wire.exchange(HttpWire.get("nobody.tunnel.test", "/"));
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.header("Content-Type")).startsWith("text/html");
            assertThat(response.text()).contains("nobody.tunnel.test");
            // The connection stays usable.
            assertThat(wire.exchange(HttpWire.get(APP, "/")).status()).isEqualTo(200);
        }
    }

    @Test
    void anOfflineClientIs502AndItsHostsWaitForIt() throws Exception {
        RecordingEvents events = new RecordingEvents();
        TunnelClient client = fixture.startClient(fixture.clientConfig(fixture.controlAddress().getPort(),
                TunnelFixture.TOKEN, List.of(http("app", one.port(), routes("app", null, null))),
                Duration.ofSeconds(10)), "c1", events);
        assertThat(events.nextRegistration(TunnelFixture.WAIT).get(0).accepted()).isTrue();
        client.close();
        long deadline = System.nanoTime() + TunnelFixture.WAIT.toNanos();
        while (fixture.server().sessions().size() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }

        try (HttpWire wire = wire()) {
            assertThat(wire.exchange(HttpWire.get(APP, "/")).status()).isEqualTo(502);
        }
        List<TunnelResult.Status> other = fixture.connect("intruder", new RecordingEvents(),
                http("other", two.port(), routes("app", null, null)));
        assertThat(other.get(0).accepted()).isFalse();
        assertThat(other.get(0).reason()).contains("already used");
        // The same client's tunnel takes its host back at once.
        connect(http("app", one.port(), routes("app", null, null)));
        try (HttpWire wire = wire()) {
            assertThat(wire.exchange(HttpWire.get(APP, "/")).text()).contains("backend: one");
        }
    }

    @Test
    void aLocalServiceThatRefusesIs502() throws Exception {
        connect(http("app", TunnelFixture.freePort(), routes("app", null, null)));
        try (HttpWire wire = wire()) {
            assertThat(wire.exchange(HttpWire.get(APP, "/")).status()).isEqualTo(502);
        }
    }

    @Test
    void aSilentLocalServiceIs504AfterTheResponseTimeout() throws Exception {
        connectApp();
        try (HttpWire wire = wire()) {
            long start = System.nanoTime();
            HttpWire.Response response = wire.exchange(HttpWire.get(APP, "/silent"));
            assertThat(response.status()).isEqualTo(504);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
            assertThat(wire.closedByPeer()).isTrue();
        }
    }

    @Test
    void aMissingOrDuplicateHostIs400() throws Exception {
        connectApp();
        try (HttpWire wire = wire()) {
            assertThat(wire.exchange("GET / HTTP/1.1\r\n\r\n").status()).isEqualTo(400);
            assertThat(wire.closedByPeer()).isTrue();
        }
        try (HttpWire wire = wire()) {
            assertThat(wire.exchange("GET / HTTP/1.1\r\nHost: " + APP + "\r\nHost: evil.test\r\n\r\n").status())
                    .isEqualTo(400);
        }
    }

    @Test
    void oversizedHeadersAre431() throws Exception {
        connectApp();
        try (HttpWire wire = wire()) {
            String big = "X-Big: " + "x".repeat(40 * 1024) + "\r\n";
            assertThat(wire.exchange("GET / HTTP/1.1\r\nHost: " + APP + "\r\n" + big + "\r\n").status())
                    .isEqualTo(431);
        }
    }

    @Test
    void headersThatNeverCompleteAre408AndClose() throws Exception {
        connectApp();
        try (HttpWire wire = wire()) {
            wire.send("GET / HTTP/1.1\r\nHost: " + APP + "\r\n");
            HttpWire.Response response = wire.read(false);
            assertThat(response.status()).isEqualTo(408);
            assertThat(response.header("Connection")).isEqualTo("close");
        }
    }

    @Test
    void aBodyThatStopsComingIs408AndClosesBothConnections() throws Exception {
        connectApp();
        try (HttpWire wire = wire()) {
            wire.send("POST /upload HTTP/1.1\r\nHost: " + APP + "\r\nContent-Length: 1000000000\r\n\r\n0123456789");
            HttpWire.Response answer = wire.read(false);
            assertThat(answer.status()).isEqualTo(408);
            assertThat(wire.closedByPeer()).isTrue();
        }
        assertThat(one.connectionsAccepted()).isEqualTo(1);
        Scrape.until(fixture.server().adminAddress(),
                scrape -> Double.valueOf(0).equals(scrape.value("portway_streams_open{type=\"http\"}")));
    }

    @Test
    void contentLengthWithTransferEncodingIs400AndClose() throws Exception {
        connectApp();
        try (HttpWire wire = wire()) {
            HttpWire.Response response = wire.exchange("POST /upload HTTP/1.1\r\nHost: " + APP
                    + "\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: "
                    + APP + "\r\n\r\n");
            assertThat(response.status()).isEqualTo(400);
            assertThat(wire.closedByPeer()).isTrue();
        }
        assertThat(one.connectionsAccepted()).isZero();
    }

    @Test
    void a256MiBUploadStreamsWithBoundedMemory() throws Exception {
        connectApp();
        long size = 256L * 1024 * 1024;
        try (HttpWire wire = wire(); PeakSampler memory = new PeakSampler(Duration.ofMillis(20), HttpVhostIT::usedDirectMemory)) {
            wire.send("POST /upload HTTP/1.1\r\nHost: " + APP + "\r\nContent-Length: " + size + "\r\n\r\n");
            OutputStream out = wire.output();
            byte[] buffer = new byte[64 * 1024];
            PatternStream pattern = new PatternStream(7, size);
            int n;
            while ((n = pattern.read(buffer, 0, buffer.length)) > 0) {
                out.write(buffer, 0, n);
            }
            out.flush();
            HttpWire.Response response = wire.read(false);
            assertThat(response.text()).isEqualTo(PatternStream.sha256(7, size) + " " + size);
            assertThat(memory.peak()).isLessThan(128L * 1024 * 1024);
        }
    }

    @Test
    void a256MiBDownloadStreamsUnchanged() throws Exception {
        connectApp();
        long size = 256L * 1024 * 1024;
        try (HttpWire wire = wire(); PeakSampler memory = new PeakSampler(Duration.ofMillis(20), HttpVhostIT::usedDirectMemory)) {
            wire.send(HttpWire.get(APP, "/download?bytes=" + size + "&seed=11"));
            HttpWire.Response head = wire.readHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo(Long.toString(size));
            assertThat(wire.readBodySha256(size)).isEqualTo(PatternStream.sha256(11, size));
            assertThat(memory.peak()).isLessThan(128L * 1024 * 1024);
        }
    }

    @Test
    void aWebSocketEchoesAThousandMessages() throws Exception {
        try (WebSocketEcho echo = new WebSocketEcho()) {
            connect(http("ws", echo.port(), routes("ws", null, null)));
            try (WebSocketEcho.Client client = echo.connect("ws." + DOMAIN, httpPort)) {
                client.handshake().get(20, TimeUnit.SECONDS);
                for (int i = 0; i < 1000; i++) {
                    client.send("message " + i);
                }
                for (int i = 0; i < 1000; i++) {
                    assertThat(client.receive(20)).isEqualTo("echo message " + i);
                }
            }
        }
    }

    @Test
    void bytesSentBeforeThe101ReachTheUpgradedServiceAfterIt() throws Exception {
        // A local service that answers an Upgrade only after a pause, then echoes whatever it reads.
        try (ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket local = service.accept()) {
                    InputStream in = local.getInputStream();
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        int b = in.read();
                        if (b < 0) {
                            return;
                        }
                        head.append((char) b);
                    }
                    Thread.sleep(300);
                    OutputStream out = local.getOutputStream();
                    out.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    byte[] buf = new byte[64];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            connect(http("raw", service.getLocalPort(), routes("raw", null, null)));
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), httpPort)) {
                socket.setSoTimeout(20_000);
                OutputStream out = socket.getOutputStream();
                out.write(("GET / HTTP/1.1\r\nHost: raw." + DOMAIN + "\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(100);
                // Sent while the service has not answered yet: not HTTP (though it ends a line, as a frame of the
                // new protocol may), and it must reach the service as it is.
                out.write("early\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    head.append((char) in.read());
                }
                assertThat(head.toString()).startsWith("HTTP/1.1 101 ");
                out.write("late".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] echoed = in.readNBytes("early\r\nlate".length());
                assertThat(new String(echoed, StandardCharsets.US_ASCII)).isEqualTo("early\r\nlate");
            }
            served.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void a101ToARequestThatDidNotAskToUpgradeIs502() throws Exception {
        try (ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Boolean> reset = CompletableFuture.supplyAsync(() -> {
                try (Socket local = service.accept()) {
                    local.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: raw\r\n"
                            + "Connection: Upgrade\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    local.setSoTimeout(20_000);
                    InputStream in = local.getInputStream();
                    while (in.read() >= 0) {
                        // the request, then the end of the connection
                    }
                    return true;
                } catch (IOException e) {
                    return true;
                }
            });
            connect(http("raw", service.getLocalPort(), routes("raw", null, null)));
            try (HttpWire wire = wire()) {
                HttpWire.Response answer = wire.exchange(HttpWire.get("raw." + DOMAIN, "/"));
                assertThat(answer.status()).isEqualTo(502);
                assertThat(wire.closedByPeer()).isTrue();
            }
            assertThat(reset.get(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void headChunkedHttp10AndContinueWork() throws Exception {
        connectApp();
        try (HttpWire wire = wire()) {
            HttpWire.Response head = wire.send("HEAD / HTTP/1.1\r\nHost: " + APP + "\r\n\r\n").read(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(Integer.parseInt(head.header("Content-Length"))).isPositive();
            // Nothing of a body followed the HEAD answer: the next answer parses cleanly.
            assertThat(wire.exchange(HttpWire.get(APP, "/chunked")).text()).isEqualTo("alpha beta gamma");

            wire.send("POST /upload HTTP/1.1\r\nHost: " + APP + "\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertThat(wire.readHead().status()).isEqualTo(100);
            wire.send("hello");
            assertThat(wire.read(false).text()).isEqualTo(
                    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 5");
            assertThat(wire.exchange(HttpWire.get(APP, "/after-continue")).text()).contains("uri: /after-continue");
        }
        try (HttpWire wire = wire()) {
            HttpWire.Response old = wire.exchange("GET / HTTP/1.0\r\nHost: " + APP + "\r\n\r\n");
            assertThat(old.status()).isEqualTo(200);
            assertThat(old.text()).contains("backend: one");
            assertThat(wire.closedByPeer()).isTrue();
        }
    }

    @Test
    void requestsAreCountedAndWrittenToTheAccessLog() throws Exception {
        Logger access = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        access.addAppender(lines);
        try {
            connectApp();
            try (HttpWire wire = wire()) {
                assertThat(wire.exchange(HttpWire.get(APP, "/hello?x=1")).status()).isEqualTo(200);
                assertThat(wire.exchange(HttpWire.get("nobody.test", "/")).status()).isEqualTo(404);
            }
            // A line is written once its answer has gone out, so the test can read the answer first.
            long deadline = System.nanoTime() + TunnelFixture.WAIT.toNanos();
            while (lines.list.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line -> assertThat(line).startsWith("127.0.0.1:")
                            .contains(APP + " \"GET /hello?x=1\" 200 ").endsWith(" app"))
                    .anySatisfy(line -> assertThat(line).contains("nobody.test \"GET /\" 404 ").endsWith(" -"));
            Scrape scrape = Scrape.until(fixture.server().adminAddress(), s -> s.text().lines().anyMatch(l ->
                    l.startsWith("portway_http_requests_seconds_count{") && l.contains("tunnel=\"app\"")
                            && l.contains("status_class=\"2xx\"") && l.contains("method=\"GET\"") && l.endsWith(" 1")));
            assertThat(scrape.value("portway_streams_total{type=\"http\"}")).isEqualTo(1.0);
        } finally {
            access.detachAppender(lines);
        }
    }

    @Test
    void aTakenHttpPortFailsTheStartNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             TunnelFixture other = new TunnelFixture()) {
            ServerConfig config = other.serverConfig(0, Duration.ofSeconds(10), 3)
                    .withHttp(new HttpConfig(DOMAIN, taken.getLocalPort(), 0));
            assertThatThrownBy(() -> other.startServer(config)).isInstanceOf(IOException.class)
                    .hasMessageContaining("http.port 127.0.0.1:" + taken.getLocalPort());
        }
    }

    /** Direct memory held by Netty's default allocator in this JVM, where the server runs. */
    private static long usedDirectMemory() {
        return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider
                ? provider.metric().usedDirectMemory() : 0;
    }
}
