package dev.portway.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portway.protocol.config.HostPort;
import dev.portway.server.config.DatabaseSettings;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.HttpBackend;
import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.SseClient;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.UdpEchoServer;
import dev.portway.server.testkit.Wire;
import dev.portway.storage.bootstrap.Bootstrap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Locale;
import java.util.Iterator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The issue end to end: a server with its embedded PostgreSQL, the operator working through the REST API with the key
 * the first start wrote to {@code initial-credentials}, a real client logging in with a token issued through the API,
 * real bytes through its tunnel, and a revocation that ends the client's session.
 */
class AdminApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TunnelFixture fixture;
    private TunnelServer server;
    private String adminKey;
    private int httpPort;

    @BeforeEach
    void startServerWithDatabase() throws Exception {
        fixture = new TunnelFixture();
        httpPort = TunnelFixture.freePort();
        server = fixture.startServer(fixture.serverConfig(0, Duration.ofMillis(500), 6)
                .withDatabase(DatabaseSettings.EMBEDDED).withHttp(new HttpConfig("tunnel.test", httpPort, 0)));
        adminKey = readCredential(server.initialCredentials().orElseThrow().file(), "admin_api_key");
    }

    @AfterEach
    void stop() throws IOException {
        fixture.close();
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void tokenIssuedThroughTheApiCarriesTrafficUntilItIsRevoked() throws Exception {
        Reply user = call("POST", "/api/v1/users", adminKey, "{\"name\": \"alice\"}");
        assertThat(user.status()).isEqualTo(201);
        long userId = user.json().path("user").path("id").asLong();
        Reply issued = call("POST", "/api/v1/users/" + userId + "/tokens", adminKey, null);
        assertThat(issued.status()).isEqualTo(201);
        String token = issued.json().path("token").asText();
        long tokenId = issued.json().path("id").asLong();

        try (EchoServer echo = new EchoServer()) {
            RecordingEvents events = new RecordingEvents();
            fixture.startClient(fixture.clientConfig(fixture.controlAddress().getPort(), token,
                    List.of(TunnelFixture.tcp("echo", echo.port(), 0)), Duration.ofMillis(500)), "alice-laptop", events);
            int port = TunnelFixture.port(events.nextRegistration(TunnelFixture.WAIT).get(0));
            Wire.Exchange exchange = Wire.echo(port, 256 * 1024, 7);
            assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
            assertThat(lastUsed(userId, tokenId, Duration.ofSeconds(5))).isNotEmpty();

            JsonNode sessions = call("GET", "/api/v1/sessions", adminKey, null).json();
            assertThat(sessions.isArray()).isTrue();
            assertThat(sessions.get(0).path("clientId").asText()).isEqualTo("alice-laptop");
            assertThat(sessions.get(0).path("tokenId").asLong()).isEqualTo(tokenId);

            Reply revoked = call("DELETE", "/api/v1/tokens/" + tokenId, adminKey, null);
            assertThat(revoked.status()).isEqualTo(200);
            assertThat(revoked.json().path("disconnectedSessions")).hasSize(1);

            // The session ends, and the client's reconnect with the revoked token is refused.
            assertThat(events.nextRefusal(Duration.ofSeconds(10))).contains("invalid token");
            assertThat(server.sessions().size()).isZero();
            assertThat(call("GET", "/api/v1/sessions", adminKey, null).json()).isEmpty();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void monitoringStaysAndTheApiAnswersInItsOwnFormat() throws Exception {
        assertThat(call("GET", "/healthz", null, null).status()).isEqualTo(200);
        assertThat(call("GET", "/metrics", null, null).body()).contains("portway_clients_connected");
        assertThat(call("GET", "/readyz", null, null).status()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/openapi.json", null, null).json().path("openapi").asText()).startsWith("3.");

        Reply unauthorized = call("GET", "/api/v1/users", null, null);
        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(unauthorized.contentType()).isEqualTo("application/problem+json");
        Reply noRoute = call("GET", "/api/v1/nothing-here", adminKey, null);
        assertThat(noRoute.status()).isEqualTo(404);
        assertThat(noRoute.json().path("type").asText()).isEqualTo("urn:portway:problem:no-route");
        assertThat(call("GET", "/elsewhere", null, null).status()).isEqualTo(404);

        Reply tooLarge = call("POST", "/api/v1/users", adminKey, "x".repeat(1024 * 1024 + 1));
        assertThat(tooLarge.status()).isEqualTo(413);

        Reply tunnel = call("POST", "/api/v1/tunnels", adminKey,
                "{\"name\": \"web\", \"type\": \"tcp\", \"remotePort\": 20080, \"localTarget\": \"127.0.0.1:8080\"}");
        assertThat(tunnel.status()).isEqualTo(201);
        assertThat(tunnel.json().path("push").path("status").asText()).isEqualTo("pending");
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void everyDocumentedRouteIsServedOverTheAdminListener() throws Exception {
        JsonNode paths = call("GET", "/api/v1/openapi.json", null, null).json().path("paths");
        List<String> checked = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            // Ids no resource has: the request must reach its handler, which answers for the id, not the router.
            String concrete = path.getKey().replaceAll("\\{[^}]+}", "999999");
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next().toUpperCase(Locale.ROOT);
                if (concrete.equals("/api/v1/events")) {
                    // A stream that never ends (EventStreamIT reads it): here only that it is served as one.
                    try (SseClient events = SseClient.open(server.adminAddress(), concrete, adminKey, null)) {
                        assertThat(events.status()).isEqualTo(200);
                        assertThat(events.contentType()).startsWith("text/event-stream");
                    }
                    checked.add(method + " " + path.getKey());
                    continue;
                }
                String body = method.equals("POST") || method.equals("PATCH") ? "{}" : null;
                Reply reply = call(method, concrete, adminKey, body);
                String what = method + " " + concrete + " -> " + reply.status() + " " + reply.body();
                assertThat(reply.status()).as(what).isNotEqualTo(405).isLessThan(500);
                if (reply.status() == 404) {
                    assertThat(reply.json().path("type").asText()).as(what).isNotEqualTo("urn:portway:problem:no-route");
                }
                assertThat(reply.contentType()).as(what).containsAnyOf("application/json", "application/problem+json");
                checked.add(method + " " + path.getKey());
            }
        }
        assertThat(checked).hasSizeGreaterThanOrEqualTo(20);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aTunnelCreatedThroughTheApiIsPushedToTheConnectedClientWhenItsTargetIsAllowed() throws Exception {
                try (EchoServer echo = new EchoServer()) {
            RecordingEvents events = new RecordingEvents();
            String echoTarget = "127.0.0.1:" + echo.port();
            startClientAllowing(echo, "pushed-to", events);
            events.nextRegistration(TunnelFixture.WAIT);

            int port = TunnelFixture.freePort();
            Reply pushed = createTunnel("pushed", port, echoTarget);
            assertThat(pushed.status()).isEqualTo(201);
            assertThat(pushed.json().path("push").path("status").asText()).isEqualTo("pushed");
            Wire.Exchange exchange = Wire.echo(port, 128 * 1024, 5);
            assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());

            // A target the client did not allow is never dialled: the client declines the push at once with its
            // reason, which the API passes on (a silent client would get the server's timeout text instead).
            Reply refused = createTunnel("sneaky", TunnelFixture.freePort(), "127.0.0.1:22");
            assertThat(refused.status()).isEqualTo(201);
            assertThat(refused.json().path("push").path("status").asText()).isEqualTo("pending");
            assertThat(refused.json().path("push").path("reason").asText()).isEqualTo("client pushed-to could not "
                    + "register it: local target 127.0.0.1:22 is not in this client's allowTargets");
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void deletingAPushedTunnelClosesItsPortAndItsOpenConnections() throws Exception {
                try (EchoServer echo = new EchoServer()) {
            RecordingEvents events = new RecordingEvents();
            String echoTarget = "127.0.0.1:" + echo.port();
            startClientAllowing(echo, "deleted-from", events);
            events.nextRegistration(TunnelFixture.WAIT);

            int port = TunnelFixture.freePort();
            Reply created = createTunnel("doomed", port, echoTarget);
            assertThat(created.json().path("push").path("status").asText()).isEqualTo("pushed");
            long id = created.json().path("tunnel").path("id").asLong();

            try (Socket open = new Socket("127.0.0.1", port)) {
                open.setSoTimeout(10_000);
                open.getOutputStream().write(new byte[] {1, 2, 3});
                assertThat(open.getInputStream().readNBytes(3)).containsExactly(1, 2, 3);

                assertThat(call("DELETE", "/api/v1/tunnels/" + id, adminKey, null).status()).isEqualTo(204);

                assertThat(endOfStream(open)).isTrue();
            }
            assertThat(refusesWithin(port, Duration.ofSeconds(5))).isTrue();
            // The client's own tunnel is untouched.
            assertThat(server.sessions().all().get(0).tunnelAddresses()).containsOnlyKeys("own");
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aTunnelCreatedWhileNoClientIsConnectedOpensWhenItsClientConnectsAndCountsItsTraffic() throws Exception {
                try (EchoServer echo = new EchoServer()) {
            String echoTarget = "127.0.0.1:" + echo.port();
            int port = TunnelFixture.freePort();
            Reply created = createTunnel("stored", port, echoTarget);
            assertThat(created.json().path("push").path("status").asText()).isEqualTo("pending");
            call("POST", "/api/v1/tunnels", adminKey, "{\"name\": \"off\", \"type\": \"tcp\", \"enabled\": false, "
                    + "\"remotePort\": " + TunnelFixture.freePort() + ", \"localTarget\": \"" + echoTarget + "\"}");

            RecordingEvents events = new RecordingEvents();
            startClientAllowing(echo, "late", events);

            TunnelFixture.awaitTunnel(server, "stored", Duration.ofSeconds(10));
            Wire.Exchange exchange = Wire.echo(port, 128 * 1024, 11);
            assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
            assertThat(server.sessions().all().get(0).tunnelAddresses()).containsOnlyKeys("own", "stored");

            // The stored tunnel's traffic reaches its hourly history; flushed now rather than on the 5 s schedule (twice:
            // a scheduled flush in flight is joined, and it may have drained before the last bytes were counted).
            for (int i = 0; i < 2; i++) {
                assertThat(server.storage().orElseThrow().storage().trafficCounter().flush()
                        .get(10, TimeUnit.SECONDS)).isTrue();
            }
            long id = created.json().path("tunnel").path("id").asLong();
            JsonNode traffic = call("GET", "/api/v1/tunnels/" + id + "/traffic?hours=1", adminKey, null).json();
            assertThat(traffic.path("bytesIn").asLong()).isGreaterThanOrEqualTo(128 * 1024);
            assertThat(traffic.path("bytesOut").asLong()).isGreaterThanOrEqualTo(128 * 1024);
            assertThat(traffic.path("connections").asLong()).isEqualTo(1);
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aStoredTunnelNamedLikeAClientYamlTunnelNeverTakesItOver() throws Exception {
                try (EchoServer echo = new EchoServer()) {
            String echoTarget = "127.0.0.1:" + echo.port();
            long id = createTunnel("own", TunnelFixture.freePort(), echoTarget)
                    .json().path("tunnel").path("id").asLong();
            RecordingEvents events = new RecordingEvents();
            startClientAllowing(echo, "same-name", events);
            int port = TunnelFixture.port(events.nextRegistration(TunnelFixture.WAIT).get(0));
            Thread.sleep(1000); // the stored push is sent, and declined by the client

            assertThat(call("DELETE", "/api/v1/tunnels/" + id, adminKey, null).status()).isEqualTo(204);
            Wire.Exchange exchange = Wire.echo(port, 64 * 1024, 13);
            assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aClientWithNoTunnelsOfItsOwnServesTheTcpUdpAndHttpTunnelsAnOperatorCreates() throws Exception {
        try (EchoServer echo = new EchoServer(); UdpEchoServer udpEcho = new UdpEchoServer();
             HttpBackend web = new HttpBackend("operated")) {
            String token = readCredential(server.initialCredentials().orElseThrow().file(), "client_token");
            RecordingEvents events = new RecordingEvents();
            fixture.startClient(fixture.clientConfig(fixture.controlAddress().getPort(), token, List.of(),
                    Duration.ofMillis(500)).withAllowTargets(List.of(HostPort.parse("127.0.0.1:" + echo.port()),
                    HostPort.parse("127.0.0.1:" + udpEcho.port()), HostPort.parse("127.0.0.1:" + web.port()))),
                    "operated", events);
            assertThat(events.nextRegistration(TunnelFixture.WAIT)).as("nothing of its own").isEmpty();

            int tcpPort = TunnelFixture.freePort();
            assertThat(createTunnel("ssh", tcpPort, "127.0.0.1:" + echo.port()).json().path("push").path("status")
                    .asText()).isEqualTo("pushed");
            int udpPort = TunnelFixture.freePort();
            Reply udp = call("POST", "/api/v1/tunnels", adminKey, "{\"name\": \"dns\", \"type\": \"udp\", "
                    + "\"remotePort\": " + udpPort + ", \"localTarget\": \"127.0.0.1:" + udpEcho.port() + "\"}");
            assertThat(udp.json().path("push").path("status").asText()).isEqualTo("pushed");
            Reply site = call("POST", "/api/v1/tunnels", adminKey, "{\"name\": \"site\", \"type\": \"http\", "
                    + "\"subdomain\": \"site\", \"locations\": [\"/api\"], "
                    + "\"localTarget\": \"127.0.0.1:" + web.port() + "\"}");
            assertThat(site.json().path("push").path("status").asText()).isEqualTo("pushed");

            Wire.Exchange exchange = Wire.echo(tcpPort, 256 * 1024, 17);
            assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
            assertThat(udpRoundTrip(udpPort, "ping over a pushed udp tunnel")).isEqualTo("ping over a pushed udp tunnel");
            try (HttpWire wire = new HttpWire(httpPort)) {
                assertThat(wire.exchange(HttpWire.get("site.tunnel.test", "/api/v1")).text())
                        .contains("backend: operated");
                assertThat(wire.exchange(HttpWire.get("site.tunnel.test", "/other")).status())
                        .as("only its locations").isEqualTo(404);
            }

            // Address rules and a rate limit set through the API reach the server with the pushed tunnel.
            Reply guarded = call("POST", "/api/v1/tunnels", adminKey, "{\"name\": \"guarded\", \"type\": \"http\", "
                    + "\"subdomain\": \"guarded\", \"ipDeny\": [\"127.0.0.0/8\"], "
                    + "\"localTarget\": \"127.0.0.1:" + web.port() + "\"}");
            Reply limited = call("POST", "/api/v1/tunnels", adminKey, "{\"name\": \"limited\", \"type\": \"http\", "
                    + "\"subdomain\": \"limited\", \"rateLimit\": \"1/h\", "
                    + "\"localTarget\": \"127.0.0.1:" + web.port() + "\"}");
            assertThat(guarded.json().path("push").path("status").asText()).isEqualTo("pushed");
            assertThat(limited.json().path("push").path("status").asText()).isEqualTo("pushed");
            try (HttpWire wire = new HttpWire(httpPort)) {
                assertThat(wire.exchange(HttpWire.get("guarded.tunnel.test", "/")).status()).isEqualTo(403);
                assertThat(wire.exchange(HttpWire.get("limited.tunnel.test", "/")).status()).isEqualTo(200);
                assertThat(wire.exchange(HttpWire.get("limited.tunnel.test", "/")).status()).isEqualTo(429);
            }

            // A connection cap and a bandwidth limit set through the API: the server caps, the client throttles.
            int cappedPort = TunnelFixture.freePort();
            Reply capped = call("POST", "/api/v1/tunnels", adminKey, "{\"name\": \"capped\", \"type\": \"tcp\", "
                    + "\"remotePort\": " + cappedPort + ", \"maxConnections\": 1, \"bandwidthLimit\": \"64KB\", "
                    + "\"localTarget\": \"127.0.0.1:" + echo.port() + "\"}");
            assertThat(capped.json().path("push").path("status").asText()).isEqualTo("pushed");
            try (Socket first = new Socket("127.0.0.1", cappedPort)) {
                first.getOutputStream().write(1);
                assertThat(first.getInputStream().read()).isEqualTo(1);
                assertThat(Wire.refusedWithoutAnswer(cappedPort, "127.0.0.1")).as("one at a time").isTrue();
            }
            Thread.sleep(500); // the first connection's place is given back when the server sees it close
            long started = System.nanoTime();
            Wire.Exchange slow = Wire.echo(cappedPort, 192 * 1024, 18);
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(slow.receivedSha256()).isEqualTo(slow.sentSha256());
            assertThat(seconds).as("a second's burst of 64 KiB, then 64 KiB/s").isBetween(1.8, 30.0);
        }
    }

    /** Sends until an answer comes: the first datagram opens the flow while the client dials its local socket. */
    private static String udpRoundTrip(int port, String text) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(1000);
            byte[] sent = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (int attempt = 0; attempt < 10; attempt++) {
                socket.send(new DatagramPacket(sent, sent.length, InetAddress.getLoopbackAddress(), port));
                DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
                try {
                    socket.receive(answer);
                    return new String(answer.getData(), 0, answer.getLength(), java.nio.charset.StandardCharsets.UTF_8);
                } catch (java.net.SocketTimeoutException retry) {
                    // the flow may not have been open yet
                }
            }
            return null;
        }
    }

    /** A client with the bootstrap token, its own tunnel "own" to {@code echo}, and {@code echo} in its allowTargets. */
    private void startClientAllowing(EchoServer echo, String clientId, RecordingEvents events) throws Exception {
        String token = readCredential(server.initialCredentials().orElseThrow().file(), "client_token");
        fixture.startClient(fixture.clientConfig(fixture.controlAddress().getPort(), token,
                List.of(TunnelFixture.tcp("own", echo.port(), 0)), Duration.ofMillis(500))
                .withAllowTargets(List.of(HostPort.parse("127.0.0.1:" + echo.port()))), clientId, events);
    }

    private Reply createTunnel(String name, int remotePort, String localTarget) throws Exception {
        return call("POST", "/api/v1/tunnels", adminKey, "{\"name\": \"" + name + "\", \"type\": \"tcp\", "
                + "\"remotePort\": " + remotePort + ", \"localTarget\": \"" + localTarget + "\"}");
    }

    /** The token's {@code lastUsed} once set (the login records it without waiting), or "" after {@code limit}. */
    private String lastUsed(long userId, long tokenId, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        do {
            for (JsonNode token : call("GET", "/api/v1/users/" + userId + "/tokens", adminKey, null).json()) {
                if (token.path("id").asLong() == tokenId && !token.path("lastUsed").isNull()
                        && !token.path("lastUsed").asText().isEmpty()) {
                    return token.path("lastUsed").asText();
                }
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return "";
    }

    /** Whether the server ended the connection: end of stream, or a reset. */
    private static boolean endOfStream(Socket socket) {
        try {
            return socket.getInputStream().read() < 0;
        } catch (IOException reset) {
            return !(reset instanceof java.net.SocketTimeoutException);
        }
    }

    private static boolean refusesWithin(int port, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                Thread.sleep(100);
            } catch (IOException refused) {
                return true;
            }
        }
        return false;
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aTunnelKeepsServingWhenTheDatabaseStops() throws Exception {
        try (EchoServer echo = new EchoServer()) {
            RecordingEvents events = new RecordingEvents();
            startClientAllowing(echo, "c1", events);
            int port = TunnelFixture.port(events.nextRegistration(TunnelFixture.WAIT).get(0));

            server.storage().orElseThrow().database().embeddedServer().orElseThrow().close();

            Wire.Exchange exchange = Wire.echo(port, 256 * 1024, 3);
            assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
            assertThat(call("GET", "/healthz", null, null).status()).isEqualTo(200);
            assertThat(call("GET", "/readyz", null, null).status()).isEqualTo(503);
            assertThat(server.sessions().size()).isEqualTo(1);
        }
    }

    private static String readCredential(Path file, String name) throws IOException {
        assertThat(file.getFileName().toString()).isEqualTo(Bootstrap.FILE_NAME);
        return Files.readAllLines(file).stream()
                .filter(line -> line.startsWith(name + "="))
                .map(line -> line.substring(name.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + file));
    }

    private record Reply(int status, String contentType, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private Reply call(String method, String path, String key, String body) throws Exception {
        InetSocketAddress admin = server.adminAddress();
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + admin.getPort() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.headers().firstValue("content-type").orElse(""),
                response.body());
    }
}
