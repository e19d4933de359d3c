package dev.portway.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.RateLimit;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.Http2Config;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.config.HttpsCertificateConfig;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.testkit.Http2TestClient;
import dev.portway.server.testkit.HttpBackend;
import dev.portway.server.testkit.PatternStream;
import dev.portway.server.testkit.Programs;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Scrape;
import dev.portway.server.testkit.TestCa;
import dev.portway.server.testkit.TunnelFixture;
import io.netty.handler.codec.http2.Http2Error;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * HTTP/2 on the public side, end to end on loopback: ALPN {@code h2} on terminated HTTPS (curl and Netty's client),
 * prior knowledge on the plain port, and every http tunnel feature for h2 requests. The local services speak
 * HTTP/1.1, as the tunnel carries it.
 */
@Timeout(120)
class Http2IT {
    private static final String HOST = "app.example.test";
    private static final String GUARDED = "guarded.example.test";
    private static final String TRAILERS = "trailers.example.test";
    private static final String REUSED = "reused.example.test";
    private static final long SEED = 19;
    private static final int SIZE = 8 * 1024 * 1024;

    @TempDir
    Path dir;
    private TunnelFixture fixture;
    private TestCa ca;
    private HttpServer local;
    private ServerSocket trailerService;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        ca = TestCa.create("portway-h2-ca");
        local = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        local.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        local.createContext("/bytes", exchange -> pattern(exchange, SIZE));
        local.createContext("/chunked", exchange -> pattern(exchange, 0));
        local.createContext("/sha", Http2IT::digestOfBody);
        local.createContext("/echo", Http2IT::echoHeaders);
        local.createContext("/api", exchange -> answer(exchange, 200, "api " + exchange.getRequestURI().getPath()));
        local.start();
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
        local.stop(0);
        if (trailerService != null) {
            trailerService.close();
        }
    }

    @Test
    void curlNegotiatesH2AndGetsTheSameBytesAsOverHttp11() throws Exception {
        assumeTrue(Programs.onPath("curl"), "curl is not on the PATH");
        startServer(Http2Config.DEFAULTS);
        register();
        String expected = PatternStream.sha256(SEED, SIZE);
        for (String path : List.of("/bytes", "/chunked")) {
            Path h2 = dir.resolve("h2" + path.substring(1));
            Path h1 = dir.resolve("h1" + path.substring(1));
            assertThat(curl("--http2", HOST, path, h2)).isEqualTo("2 200 exit=0");
            assertThat(curl("--http1.1", HOST, path, h1)).isEqualTo("1.1 200 exit=0");
            assertThat(sha256(h2)).isEqualTo(expected);
            assertThat(sha256(h1)).isEqualTo(expected);
        }
        // An upload: the local service receives every byte, over the tunnel's HTTP/1.1 leg.
        Path upload = dir.resolve("upload");
        try (InputStream in = new PatternStream(SEED, SIZE)) {
            Files.copy(in, upload);
        }
        Path digest = dir.resolve("digest");
        assertThat(curl("--http2", HOST, "/sha", digest, "--data-binary", "@" + upload)).isEqualTo("2 200 exit=0");
        assertThat(Files.readString(digest)).isEqualTo(expected);
    }

    @Test
    void everyHttpFeatureBehavesTheSameForH2Requests() throws Exception {
        startServer(Http2Config.DEFAULTS);
        register();
        InetSocketAddress https = fixture.server().httpsAddress();
        try (Http2TestClient client = new Http2TestClient(https.getPort(), ca.cert(), HOST)) {
            // Routing by host and path.
            Http2TestClient.Answer api = client.get(HOST, "/api/v1", Map.of());
            assertThat(api.status()).isEqualTo(200);
            assertThat(new String(api.body(), StandardCharsets.UTF_8)).isEqualTo("api /api/v1");
            // Forwarding headers, and the codec's own fields stay on this hop.
            Http2TestClient.Answer echo = client.get(HOST, "/echo?q=1", Map.of("cookie", "a=1"));
            String seen = new String(echo.body(), StandardCharsets.UTF_8);
            assertThat(seen).contains("host=" + HOST, "proto=https", "for=127.0.0.1", "uri=/echo?q=1", "cookie=a=1")
                    .doesNotContain("x-http2");
            // Nobody serves this host: the server's own 404 page, as over HTTP/1.1.
            assertThat(client.get("nobody.example.test", "/", Map.of()).status()).isEqualTo(404);
            // Connection-specific fields have no place in HTTP/2: the stream is refused, the connection stays.
            assertThat(client.get(HOST, "/echo", Map.of("connection", "close")).resetCode())
                    .isEqualTo(Http2Error.PROTOCOL_ERROR.code());
            assertThat(client.get(HOST, "/echo", Map.of()).status()).isEqualTo(200);
        }
        try (Http2TestClient client = new Http2TestClient(https.getPort(), ca.cert(), GUARDED)) {
            // Basic auth.
            Http2TestClient.Answer challenge = client.get(GUARDED, "/echo", Map.of());
            assertThat(challenge.status()).isEqualTo(401);
            assertThat(challenge.header("www-authenticate")).startsWith("Basic realm=\"guarded\"");
            String credentials = "Basic " + Base64.getEncoder().encodeToString("ann:secret-pass".getBytes(
                    StandardCharsets.UTF_8));
            // Header rules, both ways.
            Http2TestClient.Answer allowed = client.get(GUARDED, "/echo", Map.of("authorization", credentials));
            assertThat(allowed.status()).isEqualTo(200);
            assertThat(new String(allowed.body(), StandardCharsets.UTF_8)).contains("tenant=t1");
            assertThat(allowed.header("x-via")).isEqualTo("portway");
            // The rate limit (3 a minute; two used above): 429 with Retry-After.
            Http2TestClient.Answer third = client.get(GUARDED, "/echo", Map.of("authorization", credentials));
            assertThat(third.status()).isEqualTo(200);
            Http2TestClient.Answer limited = client.get(GUARDED, "/echo", Map.of("authorization", credentials));
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("retry-after")).isNotNull();
        }
        Scrape scrape = Scrape.of(fixture.server().adminAddress());
        assertThat(scrape.value("portway_public_connections_total{reason=\"limit\",result=\"refused\"}"))
                .isEqualTo(1.0);
        assertThat(scrape.sum("portway_http_requests_seconds_count{method=\"GET\",status_class=\"2xx\",tunnel=\"guarded\""))
                .isEqualTo(2.0);
    }

    @Test
    void trailersOfAChunkedAnswerArriveAsAnHttp2TrailerBlock() throws Exception {
        startServer(Http2Config.DEFAULTS);
        trailerService = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread service = new Thread(this::answerWithTrailers, "trailer-service");
        service.setDaemon(true);
        service.start();
        register(http("trailers", trailerService.getLocalPort(), new HttpOptions(null, List.of(TRAILERS), null, null,
                null, null, null, "terminate")));
        try (Http2TestClient client = new Http2TestClient(fixture.server().httpsAddress().getPort(), ca.cert(),
                TRAILERS)) {
            Http2TestClient.Answer answer = client.send("POST", TRAILERS, "/call", Map.of("te", "trailers"),
                    "ping".getBytes(StandardCharsets.UTF_8)).answer();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(new String(answer.body(), StandardCharsets.US_ASCII)).isEqualTo("hello, world");
            assertThat(answer.trailers().get("grpc-status").toString()).isEqualTo("7");
            assertThat(answer.trailers().get("grpc-message").toString()).isEqualTo("denied");
        }
    }

    @Test
    void thePlainPortTakesPriorKnowledgeH2OnlyWhenAskedTo() throws Exception {
        int httpPort = startServer(new Http2Config(true, Http2Config.DEFAULT_MAX_CONCURRENT_STREAMS,
                Http2Config.DEFAULT_INITIAL_WINDOW_SIZE, Http2Config.DEFAULT_MAX_RESETS,
                Http2Config.DEFAULT_RESET_WINDOW, Http2Config.DEFAULT_MAX_QUEUED_CONTROL_FRAMES));
        register();
        try (Http2TestClient client = new Http2TestClient(httpPort, null, null)) {
            Http2TestClient.Answer echo = client.get(HOST, "/echo", Map.of());
            assertThat(echo.status()).isEqualTo(200);
            assertThat(new String(echo.body(), StandardCharsets.UTF_8)).contains("proto=http ");
        }
        // HTTP/1.1 still works on the same port.
        try (Socket socket = new Socket("127.0.0.1", httpPort)) {
            socket.getOutputStream().write(("GET /api HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .startsWith("HTTP/1.1 200").endsWith("api /api");
        }
    }

    @Test
    void streamsOfOneConnectionTakeTurnsOnOneTunnelStreamAndOneLocalConnection() throws Exception {
        startServer(Http2Config.DEFAULTS);
        try (HttpBackend backend = new HttpBackend("reused")) {
            register(http("reused", backend.port(), new HttpOptions(null, List.of(REUSED), null, null, null, null,
                    null, "terminate")));
            try (Http2TestClient client = new Http2TestClient(fixture.server().httpsAddress().getPort(), ca.cert(),
                    REUSED)) {
                for (int i = 0; i < 5; i++) {
                    Http2TestClient.Answer answer = client.get(REUSED, "/download?bytes=100000&seed=" + i, Map.of());
                    assertThat(answer.status()).isEqualTo(200);
                    assertThat(PatternStream.sha256(answer.body())).isEqualTo(PatternStream.sha256(i, 100_000));
                }
                assertThat(backend.connectionsAccepted()).isEqualTo(1);
                // A stream the client resets mid-request takes its tunnel stream along, never left for the next.
                client.send("GET", REUSED, "/silent", Map.of(), null).cancel();
                assertThat(client.get(REUSED, "/echo", Map.of()).status()).isEqualTo(200);
            }
        }
    }

    /** @return the plain HTTP port */
    private int startServer(Http2Config http2) throws Exception {
        TestCa.PemFiles files = ca.issue(HOST, "*.example.test").written(dir, "web");
        int httpPort = TunnelFixture.freePort();
        int httpsPort = TunnelFixture.freePort();
        ServerConfig config = fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                .withHttp(new HttpConfig(null, httpPort, httpsPort)
                        .withHttps(httpsPort, List.of(new HttpsCertificateConfig(List.of(HOST, "*.example.test"),
                                files.cert(), files.key())))
                        .withHttp2(http2));
        fixture.startServer(config);
        return httpPort;
    }

    private void register() throws Exception {
        int port = local.getAddress().getPort();
        register(http("web", port, new HttpOptions(null, List.of(HOST), null, null, null, null, null, "terminate")),
                http("api", port, new HttpOptions(null, List.of(HOST), List.of("/api"), null, null, null, null,
                        "terminate")),
                http("guarded", port, new HttpOptions(null, List.of(GUARDED), null, null,
                        new HttpOptions.HeaderRules(Map.of("X-Tenant", "t1"), null),
                        new HttpOptions.HeaderRules(Map.of("X-Via", "portway"), null),
                        new HttpOptions.BasicAuth("ann", "secret-pass"), "terminate", new RateLimit(3, 60))));
    }

    private void register(TunnelConfig... tunnels) throws Exception {
        for (TunnelResult.Status status : fixture.connect("c1", new RecordingEvents(), tunnels)) {
            assertThat(status.accepted()).as(status.toString()).isTrue();
        }
    }

    private static TunnelConfig http(String name, int port, HttpOptions options) {
        return new TunnelConfig(name, TunnelType.HTTP, new HostPort("127.0.0.1", port), 0, options, null);
    }

    /** Runs curl against the https port; returns "{http_version} {status} exit={code}". */
    private String curl(String version, String host, String path, Path out, String... more) throws Exception {
        Path caFile = dir.resolve("ca.pem");
        if (!Files.exists(caFile)) {
            Files.writeString(caFile, "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
                    ca.cert().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        }
        int port = fixture.server().httpsAddress().getPort();
        List<String> command = new ArrayList<>(List.of("curl", "-sS", version, "--cacert", caFile.toString(),
                "--resolve", host + ":" + port + ":127.0.0.1", "-o", out.toString(),
                "-w", "%{http_version} %{http_code}"));
        command.addAll(List.of(more));
        command.add("https://" + host + ":" + port + path);
        Programs.Result result = Programs.run(command);
        return result.output().strip() + " exit=" + result.exitCode();
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return PatternStream.sha256(in);
        }
    }

    /** The pattern, with a Content-Length ({@code length} > 0) or chunked (0). */
    private static void pattern(HttpExchange exchange, long length) throws IOException {
        exchange.sendResponseHeaders(200, length);
        try (OutputStream out = exchange.getResponseBody(); InputStream in = new PatternStream(SEED, SIZE)) {
            in.transferTo(out);
        }
    }

    private static void digestOfBody(HttpExchange exchange) throws IOException {
        answer(exchange, 200, PatternStream.sha256(exchange.getRequestBody()));
    }

    private static void echoHeaders(HttpExchange exchange) throws IOException {
        StringBuilder seen = new StringBuilder();
        seen.append("host=").append(exchange.getRequestHeaders().getFirst("Host"))
                .append(" proto=").append(exchange.getRequestHeaders().getFirst("X-Forwarded-Proto"))
                .append(" for=").append(exchange.getRequestHeaders().getFirst("X-Forwarded-For"))
                .append(" uri=").append(exchange.getRequestURI())
                .append(" cookie=").append(exchange.getRequestHeaders().getFirst("Cookie"))
                .append(" tenant=").append(exchange.getRequestHeaders().getFirst("X-Tenant"));
        exchange.getRequestHeaders().keySet().forEach(name -> seen.append(' ').append(name.toLowerCase()));
        answer(exchange, 200, seen.toString());
    }

    private static void answer(HttpExchange exchange, int status, String text) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A local service that answers each request with a chunked body and trailers, as a gRPC server's error does. */
    private void answerWithTrailers() {
        while (!trailerService.isClosed()) {
            try (Socket socket = trailerService.accept()) {
                InputStream in = socket.getInputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    head.append((char) b);
                }
                // The request body: "ping" in one chunk and the last chunk.
                String chunked = "4\r\nping\r\n0\r\n\r\n";
                in.readNBytes(chunked.length());
                socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/grpc\r\n"
                        + "Transfer-Encoding: chunked\r\nTrailer: grpc-status, grpc-message\r\n\r\n"
                        + "7\r\nhello, \r\n5\r\nworld\r\n0\r\ngrpc-status: 7\r\ngrpc-message: denied\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                socket.getInputStream().read();
            } catch (IOException e) {
                return;
            }
        }
    }
}
