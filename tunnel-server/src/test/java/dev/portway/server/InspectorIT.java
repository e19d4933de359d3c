package dev.portway.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portway.client.TunnelClient;
import dev.portway.client.config.ClientConfig;
import dev.portway.client.config.InspectConfig;
import dev.portway.client.config.TunnelConfig;
import dev.portway.client.inspect.InspectServer;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.testkit.Browser;
import dev.portway.server.testkit.HttpBackend;
import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.PatternStream;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request inspector end to end: the real server and client on loopback with {@code inspect} on, a local HTTP
 * service, requests through the server's public http port; the inspector's JSON API, replay, and its page in
 * Debian's headless Chromium.
 */
@Timeout(120)
class InspectorIT {
    private static final String DOMAIN = "tunnel.test";
    private static final String APP = "app." + DOMAIN;
    private static final int MAX_BODY = 1024 * 1024;
    private static final long BIG = 5L * 1000 * 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TunnelFixture fixture;
    private HttpBackend service;
    private InspectServer inspector;
    private int httpPort;
    private String api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        service = new HttpBackend("local");
        httpPort = TunnelFixture.freePort();
        fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                .withHttp(new HttpConfig(DOMAIN, httpPort, 0)));
        TunnelConfig app = new TunnelConfig("app", TunnelType.HTTP, new HostPort("127.0.0.1", service.port()), 0,
                new HttpOptions("app", null, null, null, null, null, null, null), null);
        ClientConfig config = fixture.clientConfig(fixture.controlAddress().getPort(), TunnelFixture.TOKEN,
                        List.of(app), Duration.ofSeconds(10))
                .withInspect(new InspectConfig("127.0.0.1", 0, 100, MAX_BODY));
        RecordingEvents events = new RecordingEvents();
        TunnelClient client = fixture.startClient(config, "c1", events);
        List<TunnelResult.Status> registered = events.nextRegistration(TunnelFixture.WAIT);
        assertThat(registered).singleElement().satisfies(s -> assertThat(s.accepted()).as(s.reason()).isTrue());
        inspector = InspectServer.start(config.inspect(), client.inspectLog().orElseThrow(), client::localTarget);
        api = "http://127.0.0.1:" + inspector.address().getPort();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (inspector != null) {
            inspector.close();
        }
        fixture.close();
        service.close();
    }

    @Test
    void recordsExactBodiesUpToTheLimitReplaysAndEditsThroughTheApi() throws Exception {
        // 5 MB through the tunnel: relayed whole, recorded up to maxBodyBytes.
        String bigAnswer;
        try (HttpWire wire = new HttpWire(httpPort)) {
            wire.send("POST /upload?size=big HTTP/1.1\r\nHost: " + APP + "\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + BIG + "\r\nConnection: close\r\n\r\n");
            try (PatternStream body = new PatternStream(11, BIG)) {
                body.transferTo(wire.output());
            }
            wire.output().flush();
            HttpWire.Response answer = wire.read(false);
            bigAnswer = answer.text();
            assertThat(wire.closedByPeer()).as("the public side ends with FIN after Connection: close").isTrue();
        }
        assertThat(bigAnswer).isEqualTo(PatternStream.sha256(11, BIG) + " " + BIG);

        byte[] gzipped;
        String small = "{\"hello\":\"inspector\",\"n\":[1,2]}";
        try (HttpWire wire = new HttpWire(httpPort)) {
            HttpWire.Response gzip = wire.exchange(HttpWire.get(APP, "/gzip"));
            assertThat(gzip.header("Content-Encoding")).isEqualTo("gzip");
            gzipped = gzip.body();
            assertThat(new String(new GZIPInputStream(new ByteArrayInputStream(gzipped)).readAllBytes(),
                    StandardCharsets.UTF_8)).isEqualTo(HttpBackend.GZIP_JSON);
            HttpWire.Response posted = wire.exchange("POST /upload?size=small HTTP/1.1\r\nHost: " + APP
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + small.length() + "\r\n\r\n" + small);
            assertThat(posted.text())
                    .isEqualTo(PatternStream.sha256(small.getBytes(StandardCharsets.UTF_8)) + " " + small.length());
        }

        JsonNode list = awaitList("?tunnel=app", 3);
        assertThat(list.get("maxBodyBytes").asInt()).isEqualTo(MAX_BODY);
        JsonNode requests = list.get("requests");
        assertThat(requests).extracting(r -> r.get("path").asText())
                .containsExactly("/upload?size=small", "/gzip", "/upload?size=big");
        assertThat(requests).extracting(r -> r.get("status").asInt()).containsOnly(200);
        assertThat(get("/api/requests?method=get").get("requests")).singleElement()
                .satisfies(r -> assertThat(r.get("path").asText()).isEqualTo("/gzip"));
        assertThat(get("/api/requests?q=SIZE%3Dbig&status=2xx").get("requests")).hasSize(1);
        assertThat(get("/api/requests?status=404").get("requests")).isEmpty();

        long bigId = requests.get(2).get("id").asLong();
        JsonNode big = get("/api/requests/" + bigId);
        JsonNode bigBody = big.get("request").get("body");
        assertThat(bigBody.get("size").asLong()).isEqualTo(BIG);
        assertThat(bigBody.get("truncated").asBoolean()).isTrue();
        byte[] kept = Base64.getDecoder().decode(bigBody.get("base64").asText());
        assertThat(kept).hasSize(MAX_BODY);
        assertThat(PatternStream.sha256(kept)).isEqualTo(PatternStream.sha256(11, MAX_BODY));
        assertThat(big.get("peer").asText()).startsWith("127.0.0.1");
        assertThat(header(big.get("request"), "X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(big.get("response").get("body").get("base64").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(bigAnswer.getBytes(StandardCharsets.UTF_8)));
        assertThat(big.get("timings").get("totalMs").asDouble()).isPositive();

        JsonNode gzip = get("/api/requests/" + requests.get(1).get("id").asLong()).get("response").get("body");
        assertThat(Base64.getDecoder().decode(gzip.get("base64").asText())).isEqualTo(gzipped);
        assertThat(new String(Base64.getDecoder().decode(gzip.get("decoded").get("base64").asText()),
                StandardCharsets.UTF_8)).isEqualTo(HttpBackend.GZIP_JSON);

        // Replay: the same bytes reach the local service again, over a connection of its own.
        long smallId = requests.get(0).get("id").asLong();
        int connectionsBefore = service.connectionsAccepted();
        HttpResponse<String> replayed = post("/api/requests/" + smallId + "/replay", "{}");
        assertThat(replayed.statusCode()).isEqualTo(201);
        JsonNode replay = JSON.readTree(replayed.body());
        assertThat(replay.get("replayOf").asLong()).isEqualTo(smallId);
        assertThat(replay.get("peer").asText()).isEqualTo("replay");
        assertThat(text(replay.get("response").get("body")))
                .isEqualTo(PatternStream.sha256(small.getBytes(StandardCharsets.UTF_8)) + " " + small.length());
        assertThat(service.connectionsAccepted()).isEqualTo(connectionsBefore + 1);

        // Edit and replay: another method, path, header and body.
        String edited = "{\"method\":\"PUT\",\"path\":\"/upload?edited=1\",\"headers\":[[\"Host\",\"" + APP
                + "\"],[\"X-Edited\",\"yes\"]],\"body\":\"changed body\"}";
        HttpResponse<String> editReply = post("/api/requests/" + smallId + "/replay", edited);
        assertThat(editReply.statusCode()).isEqualTo(201);
        JsonNode edit = JSON.readTree(editReply.body());
        assertThat(edit.get("request").get("method").asText()).isEqualTo("PUT");
        assertThat(edit.get("request").get("target").asText()).isEqualTo("/upload?edited=1");
        assertThat(header(edit.get("request"), "X-Edited")).isEqualTo("yes");
        assertThat(text(edit.get("response").get("body")))
                .isEqualTo(PatternStream.sha256("changed body".getBytes(StandardCharsets.UTF_8)) + " 12");
        JsonNode echoed = JSON.readTree(post("/api/requests/" + smallId + "/replay",
                "{\"method\":\"DELETE\",\"path\":\"/echo\",\"headers\":[[\"X-Edited\",\"twice\"]],\"body\":\"\"}")
                .body());
        assertThat(text(echoed.get("response").get("body"))).contains("method: DELETE", "uri: /echo",
                "X-Edited: twice");

        // A body cut at maxBodyBytes cannot be replayed as recorded; a bad edit is refused with its field.
        HttpResponse<String> cut = post("/api/requests/" + bigId + "/replay", "{}");
        assertThat(cut.statusCode()).isEqualTo(409);
        assertThat(cut.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(cut.body()).get("detail").asText()).contains("maxBodyBytes");
        HttpResponse<String> bad = post("/api/requests/" + smallId + "/replay", "{\"path\":\"no slash\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("detail").asText()).startsWith("path:");
        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create(api + "/api/requests/" + smallId
                + "/replay")).header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).as("a cross-site form post is refused").isEqualTo(415);
        try (HttpWire rebound = new HttpWire(inspector.address().getPort())) {
            HttpWire.Response misdirected = rebound.exchange("GET /api/requests HTTP/1.1\r\nHost: rebound.example:"
                    + inspector.address().getPort() + "\r\n\r\n");
            assertThat(misdirected.status()).as("a DNS name rebound to loopback is refused").isEqualTo(421);
        }
        HttpResponse<String> crossSite = http.send(HttpRequest.newBuilder(URI.create(api + "/api/events"))
                .header("Sec-Fetch-Site", "cross-site").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(crossSite.statusCode()).as("another site's page cannot read or hold a live stream").isEqualTo(403);
        assertThat(get("/api/requests?tunnel=app&limit=100").get("requests")).hasSize(6);
    }

    @Test
    @EnabledIf("dev.portway.server.testkit.Browser#installed")
    void thePageListsRequestsAsTheyArriveShowsABodyAndReplays() throws Exception {
        try (Browser browser = Browser.start(1400, 900); HttpWire wire = new HttpWire(httpPort)) {
            browser.open(api + "/");
            browser.until(d -> d.findElement(By.id("live")).getText().equals("live"));
            for (int i = 1; i <= 3; i++) {
                String body = "{\"event\":\"push\",\"n\":" + i + "}";
                wire.exchange("POST /hook/" + i + " HTTP/1.1\r\nHost: " + APP + "\r\nContent-Type: application/json"
                        + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
                int expected = i;
                browser.until(d -> d.findElements(By.cssSelector("#list tbody tr")).size() == expected);
            }
            browser.screenshot("inspector-list");
            List<WebElement> rows = browser.driver().findElements(By.cssSelector("#list tbody tr"));
            assertThat(rows.get(0).getText()).contains("POST", "/hook/3", "200");

            rows.get(1).click();
            WebElement requestBody = browser.visible(By.id("request-body"));
            assertThat(requestBody.getText()).isEqualTo("{\n  \"event\": \"push\",\n  \"n\": 2\n}");
            browser.screenshot("inspector-detail");

            browser.visible(By.id("replay")).click();
            // The service echoes what it received: the replay came over a connection of its own (Connection: close).
            WebElement replayBody = browser.visible(By.id("replay-body"));
            assertThat(replayBody.getText()).contains("backend: local", "uri: /hook/2", "Connection: close");
            assertThat(browser.driver().findElement(By.id("original-body")).getText()).contains("uri: /hook/2")
                    .doesNotContain("Connection: close");
            browser.until(d -> d.findElements(By.cssSelector("#list tbody tr")).size() == 4);
            browser.screenshot("inspector-replay");

            browser.visible(By.id("edit")).click();
            WebElement path = browser.visible(By.id("edit-path"));
            path.clear();
            path.sendKeys("/edited?by=page");
            WebElement headers = browser.driver().findElement(By.id("edit-headers"));
            headers.sendKeys("\nX-From-Page: yes");
            browser.driver().findElement(By.id("edit-send")).click();
            // The replay's answer replaces the earlier one: looked up afresh on each try, not held.
            browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("replay-body"),
                    "uri: /edited?by=page"));
            assertThat(browser.driver().findElement(By.id("replay-body")).getText()).contains("X-From-Page: yes");
            browser.until(d -> d.findElements(By.cssSelector("#list tbody tr")).size() == 5);
            browser.screenshot("inspector-edit-replay");
        }
    }

    private JsonNode awaitList(String query, int size) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            JsonNode list = get("/api/requests" + query);
            boolean done = list.get("requests").size() == size;
            for (JsonNode r : list.get("requests")) {
                done &= r.get("state").asText().equals("complete");
            }
            if (done || System.nanoTime() > deadline) {
                return list;
            }
            Thread.sleep(50);
        }
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(api + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api + path)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(40)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String header(JsonNode message, String name) {
        for (JsonNode pair : message.get("headers")) {
            if (pair.get(0).asText().equalsIgnoreCase(name)) {
                return pair.get(1).asText();
            }
        }
        return null;
    }

    private static String text(JsonNode body) {
        return new String(Base64.getDecoder().decode(body.get("base64").asText()), StandardCharsets.UTF_8);
    }

}
