package dev.portway.admin.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portway.admin.AdminApi;
import dev.portway.admin.testing.AdminApiFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API served over real HTTP on 127.0.0.1 by a minimal JDK HttpServer adapter (test scope only; the server
 * module brings its own Netty listener), called with java.net.http: proves that requests and responses survive the
 * wire, headers included.
 */
@Timeout(60)
class AdminApiOverHttpTest {
    @TempDir
    static Path dataDir;
    static AdminApiFixture api;
    static HttpServer server;
    static URI base;
    static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws IOException {
        api = new AdminApiFixture(dataDir);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", exchange -> serve(api.api, exchange));
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        api.close();
    }

    /** The adapter: HTTP exchange → AdminRequest → AdminApi → HTTP response. */
    private static void serve(AdminApi adminApi, HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(AdminApi.MAX_BODY_BYTES + 1);
            }
            Map<String, List<String>> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach(headers::put);
            AdminRequest request = new AdminRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    query(exchange.getRequestURI().getRawQuery()), headers, body,
                    exchange.getRemoteAddress().toString());
            AdminResponse response = adminApi.handle(request).join();
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            boolean empty = response.body().length == 0;
            exchange.sendResponseHeaders(response.status(), empty ? -1 : response.body().length);
            if (!empty) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                query.putIfAbsent(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    private static HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return Json.MAPPER.readTree(response.body());
    }

    @Test
    void createsAUserAndATunnelAndReadsTrafficOverHttp() throws Exception {
        HttpResponse<String> user = send("POST", "/api/v1/users", api.adminKey,
                "{\"name\": \"wire\", \"apiKeyRole\": \"user\"}");
        assertThat(user.statusCode()).isEqualTo(201);
        assertThat(user.headers().firstValue("Content-Type")).contains("application/json");
        String key = json(user).path("apiKey").path("key").asText();

        HttpResponse<String> tunnel = send("POST", "/api/v1/tunnels", key,
                "{\"name\": \"ssh\", \"type\": \"tcp\", \"remotePort\": 4200, \"localTarget\": \"127.0.0.1:22\"}");
        assertThat(tunnel.statusCode()).isEqualTo(201);
        assertThat(json(tunnel).path("push").path("status").asText()).isEqualTo("pushed");
        long id = json(tunnel).path("tunnel").path("id").asLong();

        HttpResponse<String> traffic = send("GET", "/api/v1/tunnels/" + id + "/traffic?hours=6", key, null);
        assertThat(traffic.statusCode()).isEqualTo(200);
        assertThat(json(traffic).path("hours")).hasSize(6);

        assertThat(send("DELETE", "/api/v1/tunnels/" + id, key, null).statusCode()).isEqualTo(204);
    }

    @Test
    void problemsKeepTheirHeadersOverHttp() throws Exception {
        HttpResponse<String> unauthenticated = send("GET", "/api/v1/tunnels", null, null);
        assertThat(unauthenticated.statusCode()).isEqualTo(401);
        assertThat(unauthenticated.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(unauthenticated.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).startsWith("Bearer"));

        HttpResponse<String> wrongMethod = send("PUT", "/api/v1/tunnels", api.adminKey, "{}");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).contains("GET, POST");

        HttpResponse<String> invalid = send("POST", "/api/v1/tunnels", api.adminKey,
                "{\"name\": \"x\", \"type\": \"tcp\", \"remotePort\": 99999, \"localTarget\": \"127.0.0.1:22\"}");
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(json(invalid).path("field").asText()).isEqualTo("remotePort");
    }

    @Test
    void probesAndTheDocumentAreServedWithoutAKey() throws Exception {
        assertThat(send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/readyz", null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> document = send("GET", "/api/v1/openapi.json", null, null);
        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(json(document).path("paths").has("/api/v1/tunnels/{id}/traffic")).isTrue();
    }
}
