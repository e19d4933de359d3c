package dev.portway.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portway.server.config.DatabaseSettings;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.storage.bootstrap.Bootstrap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The REST API on the admin listener of a server with its embedded PostgreSQL, next to /metrics and /healthz. */
class AdminApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TunnelFixture fixture;
    private TunnelServer server;
    private String adminKey;

    @BeforeEach
    void startServerWithDatabase() throws Exception {
        fixture = new TunnelFixture();
        server = fixture.startServer(fixture.serverConfig(0, Duration.ofMillis(500), 6)
                .withDatabase(DatabaseSettings.EMBEDDED));
        adminKey = readCredential(server.initialCredentials().orElseThrow().file(), "admin_api_key");
    }

    @AfterEach
    void stop() throws IOException {
        fixture.close();
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
