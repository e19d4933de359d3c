package dev.portway.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portway.client.TunnelClient;
import dev.portway.server.config.DatabaseSettings;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.SseClient;
import dev.portway.server.testkit.SseClient.Message;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.Wire;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/v1/events} over the real admin listener: a client logging in with a token of user alice, traffic
 * through her tunnel, an admin and two user keys watching, and a reconnect with Last-Event-ID.
 */
@Timeout(180)
class EventStreamIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static TunnelFixture fixture;
    private static TunnelServer server;
    private static String adminKey;
    private static String aliceKey;
    private static String aliceToken;
    private static String bobKey;

    @BeforeAll
    static void start() throws Exception {
        fixture = new TunnelFixture();
        server = fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                .withDatabase(DatabaseSettings.EMBEDDED));
        adminKey = Files.readAllLines(server.initialCredentials().orElseThrow().file()).stream()
                .filter(l -> l.startsWith("admin_api_key=")).map(l -> l.substring("admin_api_key=".length()))
                .findFirst().orElseThrow();
        JsonNode alice = post("/api/v1/users", "{\"name\": \"alice\", \"apiKeyRole\": \"user\"}");
        aliceKey = alice.path("apiKey").path("key").asText();
        aliceToken = post("/api/v1/users/" + alice.path("user").path("id").asLong() + "/tokens", null)
                .path("token").asText();
        bobKey = post("/api/v1/users", "{\"name\": \"bob\", \"apiKeyRole\": \"user\"}").path("apiKey").path("key").asText();
    }

    @AfterAll
    static void stop() throws IOException {
        fixture.close();
    }

    @Test
    void connectEventsAndRatesUnderTrafficThenResumeWithLastEventId() throws Exception {
        try (EchoServer echo = new EchoServer();
             SseClient admin = SseClient.open(server.adminAddress(), "/api/v1/events", adminKey, null);
             SseClient alice = SseClient.open(server.adminAddress(), "/api/v1/events", aliceKey, null);
             SseClient bob = SseClient.open(server.adminAddress(), "/api/v1/events", bobKey, null)) {
            assertThat(admin.status()).isEqualTo(200);
            assertThat(admin.contentType()).startsWith("text/event-stream");

            RecordingEvents events = new RecordingEvents();
            TunnelClient client = fixture.startClient(fixture.clientConfig(fixture.controlAddress().getPort(),
                    aliceToken, List.of(TunnelFixture.tcp("web", echo.port(), 0)), Duration.ofSeconds(10)),
                    "alice-laptop", events);
            int port = TunnelFixture.port(events.nextRegistration(TunnelFixture.WAIT).get(0));

            Message connected = admin.next(m -> m.event().equals("client.connected"), WAIT);
            assertThat(connected).isNotNull();
            JsonNode data = JSON.readTree(connected.data());
            assertThat(data.path("client").asText()).isEqualTo("alice-laptop");
            assertThat(data.path("user").asText()).isEqualTo("alice");
            assertThat(data.path("time").asText()).isNotEmpty();
            assertThat(Long.parseLong(connected.id())).isPositive();
            Message up = admin.next(m -> m.event().equals("tunnel.up"), WAIT);
            assertThat(JSON.readTree(up.data()).path("tunnel").asText()).isEqualTo("web");

            AtomicBoolean traffic = new AtomicBoolean(true);
            Thread load = new Thread(() -> {
                long seed = 0;
                while (traffic.get()) {
                    try {
                        Wire.echo(port, 64 * 1024, seed++);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            load.start();
            String lastId;
            try {
                Message first = admin.next(EventStreamIT::hasTraffic, WAIT);
                Message second = admin.next(EventStreamIT::hasTraffic, WAIT);
                assertThat(first).as("a rates snapshot with traffic").isNotNull();
                assertThat(second).as("a second one").isNotNull();
                assertThat(Long.parseLong(second.id())).isGreaterThan(Long.parseLong(first.id()));
                JsonNode rate = JSON.readTree(second.data()).path("tunnels").get(0);
                assertThat(rate.path("tunnel").asText()).isEqualTo("web");
                assertThat(rate.path("bytesInPerSecond").asDouble()).isPositive();
                assertThat(rate.path("bytesOutPerSecond").asDouble()).isPositive();
                lastId = second.id();

                // Alice's own key sees her client; Bob's sees neither it nor her tunnel's rates.
                assertThat(alice.next(m -> m.event().equals("client.connected"), WAIT)).isNotNull();
                assertThat(alice.next(EventStreamIT::hasTraffic, WAIT)).isNotNull();
                Message bobsRates = bob.next(m -> m.event().equals("rates"), WAIT);
                assertThat(bobsRates).isNotNull();
                assertThat(JSON.readTree(bobsRates.data()).path("tunnels")).isEmpty();
            } finally {
                traffic.set(false);
                load.join();
            }

            admin.close();
            client.close();
            // Events happen while nobody from the admin side listens; the reconnect gets them from the backlog.
            try (SseClient resumed = SseClient.open(server.adminAddress(), "/api/v1/events", adminKey, lastId)) {
                Message next = resumed.next(m -> m.id() != null, WAIT);
                assertThat(next).isNotNull();
                assertThat(Long.parseLong(next.id())).isEqualTo(Long.parseLong(lastId) + 1);
                assertThat(resumed.next(m -> m.event().equals("client.disconnected"), WAIT)).isNotNull();
            }
            assertThat(bob.next(m -> m.event().startsWith("client."), Duration.ofMillis(500))).isNull();

            // An id older than the backlog (or from another run) gets what is held, after an events.lost notice.
            try (SseClient stale = SseClient.open(server.adminAddress(), "/api/v1/events", adminKey, "999999999")) {
                assertThat(stale.next(WAIT).event()).isEqualTo("events.lost");
                assertThat(stale.next(WAIT).id()).isEqualTo("1");
            }
        }
    }

    @Test
    void withoutAKeyTheStreamIsRefused() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.adminAddress().getPort() + "/api/v1/events")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
    }

    private static boolean hasTraffic(Message message) {
        if (!message.event().equals("rates")) {
            return false;
        }
        try {
            for (JsonNode tunnel : JSON.readTree(message.data()).path("tunnels")) {
                if (tunnel.path("bytesInPerSecond").asDouble() > 0) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.adminAddress().getPort() + path))
                .header("Authorization", "Bearer " + adminKey)
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }
}
