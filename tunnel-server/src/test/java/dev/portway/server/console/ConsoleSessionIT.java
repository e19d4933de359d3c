package dev.portway.server.console;

import dev.portway.server.TunnelServer;
import dev.portway.server.config.DatabaseSettings;
import dev.portway.server.testkit.AdminHttp;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's HTTP contract on a real server with its embedded PostgreSQL, without a browser: the files' headers,
 * and the session cookie's attributes, CSRF rule, sign-out and bound.
 */
@Timeout(180)
class ConsoleSessionIT {
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static TunnelFixture fixture;
    private static TunnelServer server;
    private static String base;
    private static String adminKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startServer() throws Exception {
        fixture = new TunnelFixture();
        server = fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(5), 6)
                .withDatabase(DatabaseSettings.EMBEDDED));
        base = "http://127.0.0.1:" + server.adminAddress().getPort();
        adminKey = AdminHttp.initialCredential(server.initialCredentials().orElseThrow().file(), "admin_api_key");
    }

    @AfterAll
    static void stop() throws IOException {
        fixture.close();
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path));
    }

    private static HttpRequest.Builder signInRequest(String key) {
        return request("/api/v1/session").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"apiKey\": \"" + key + "\"}"));
    }

    /** Signs in; the cookie as a browser sends it back, and the CSRF token. */
    private String[] signIn() throws Exception {
        HttpResponse<byte[]> reply = send(signInRequest(adminKey));
        assertThat(reply.statusCode()).isEqualTo(201);
        String cookie = reply.headers().firstValue("set-cookie").orElseThrow();
        String csrf = new String(reply.body()).replaceAll(".*\"csrfToken\":\"([^\"]+)\".*", "$1");
        return new String[] {cookie.substring(0, cookie.indexOf(';')), csrf};
    }

    @Test
    void theRootRedirectsAndEveryConsoleAnswerIsLockedDown() throws Exception {
        HttpResponse<byte[]> root = send(request("/"));
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("location")).contains("/console/");
        assertThat(root.headers().firstValue("content-security-policy")).contains(CSP);

        HttpResponse<byte[]> page = send(request("/console/").header("Accept-Encoding", "gzip"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("content-security-policy")).contains(CSP);
        assertThat(page.headers().firstValue("x-content-type-options")).contains("nosniff");
        assertThat(page.headers().firstValue("content-encoding")).contains("gzip");
        assertThat(page.headers().firstValueAsLong("content-length")).hasValue(page.body().length);
        try (GZIPInputStream html = new GZIPInputStream(new ByteArrayInputStream(page.body()))) {
            assertThat(new String(html.readAllBytes())).contains("<script type=\"module\" src=\"app.js\"></script>");
        }

        String etag = page.headers().firstValue("etag").orElseThrow();
        HttpResponse<byte[]> again = send(request("/console/").header("If-None-Match", etag));
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers().firstValue("content-security-policy")).contains(CSP);

        HttpResponse<byte[]> script = send(request("/console/app.js"));
        assertThat(script.headers().firstValue("content-type")).contains("text/javascript; charset=utf-8");
        HttpResponse<byte[]> missing = send(request("/console/secret.js"));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("content-security-policy")).contains(CSP);
        // The API keeps its own answers: no console headers there.
        assertThat(send(request("/api/v1/openapi.json")).headers().firstValue("content-security-policy")).isEmpty();
    }

    @Test
    void theSessionCookieIsHttpOnlyStrictAndExpiring() throws Exception {
        HttpResponse<byte[]> plain = send(signInRequest(adminKey));
        assertThat(plain.headers().firstValue("set-cookie").orElseThrow())
                .matches("portway_session=[A-Za-z0-9_-]{43}; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict");
        HttpResponse<byte[]> proxied = send(signInRequest(adminKey).header("X-Forwarded-Proto", "https"));
        assertThat(proxied.headers().firstValue("set-cookie").orElseThrow()).endsWith("; HttpOnly; SameSite=Strict; Secure");

        HttpResponse<byte[]> refused = send(signInRequest("pwk_not-a-key"));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("set-cookie")).isEmpty();
    }

    @Test
    void writesByCookieNeedTheCsrfTokenAndSignOutEndsTheSession() throws Exception {
        String[] session = signIn();
        String cookie = session[0];
        String csrf = session[1];
        assertThat(send(request("/api/v1/users").header("Cookie", cookie)).statusCode()).isEqualTo(200);

        HttpRequest.Builder create = request("/api/v1/users").header("Cookie", cookie)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"forged\"}"));
        HttpResponse<byte[]> forged = send(create.copy().header("Origin", "http://evil.example"));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(new String(forged.body())).contains("X-Portway-CSRF");
        assertThat(send(create.copy().header("X-Portway-CSRF", csrf)).statusCode()).isEqualTo(201);

        HttpResponse<byte[]> out = send(request("/api/v1/session").header("Cookie", cookie)
                .header("X-Portway-CSRF", csrf).DELETE());
        assertThat(out.statusCode()).isEqualTo(204);
        assertThat(out.headers().firstValue("set-cookie")).contains(
                "portway_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        assertThat(send(request("/api/v1/users").header("Cookie", cookie)).statusCode()).isEqualTo(401);
    }

    @Test
    void signingInBeyondTheBoundEndsTheOldestSession() throws Exception {
        String oldest = signIn()[0];
        for (int i = 0; i < 1000; i++) {
            assertThat(send(signInRequest(adminKey)).statusCode()).isEqualTo(201);
        }
        String newest = signIn()[0];

        assertThat(send(request("/api/v1/session").header("Cookie", oldest)).statusCode()).isEqualTo(401);
        assertThat(send(request("/api/v1/session").header("Cookie", newest)).statusCode()).isEqualTo(200);
    }
}
