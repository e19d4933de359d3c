package dev.portway.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.protocol.config.HostPort;
import dev.portway.client.TunnelClient;
import dev.portway.server.TunnelServer;
import dev.portway.server.config.DatabaseSettings;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.config.HttpsCertificateConfig;
import dev.portway.server.config.ServerConfigLoader;
import dev.portway.server.testkit.AdminHttp;
import dev.portway.server.testkit.Browser;
import dev.portway.server.testkit.HttpBackend;
import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.PatternStream;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TestCa;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator console in headless Chromium against a real server with its embedded PostgreSQL and a real client:
 * every step goes through the pages, and the test checks what they show against the API and the live server.
 * Screenshots of each page (1280 and 390 px wide, one in dark mode) land with the failsafe report.
 */
@EnabledIf("dev.portway.server.testkit.Browser#installed")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ConsoleIT {
    private static final long DOWNLOAD_BYTES = 4 * 1024 * 1024;
    private static TunnelFixture fixture;
    private static TunnelServer server;
    private static String base;
    private static String adminKey;
    private static AdminHttp admin;
    private static int httpPort;
    private static Path certificateDir;

    @BeforeAll
    static void startServer() throws Exception {
        fixture = new TunnelFixture();
        httpPort = TunnelFixture.freePort();
        // A client gone for a second is an alert, so the overview has one to show.
        Path alerts = Files.writeString(Files.createTempFile("console-alerts", ".yaml"), """
                alerts:
                  interval: 200ms
                  clientOffline: {for: 1s}
                """);
        // A certificate from files on the https port, for the certificates page.
        certificateDir = Files.createTempDirectory("console-certificate");
        TestCa.PemFiles certificate = TestCa.create("Console Test CA").issue("console.tunnel.test")
                .written(certificateDir, "console");
        int httpsPort = TunnelFixture.freePort();
        server = fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(2), 6)
                .withDatabase(DatabaseSettings.EMBEDDED)
                .withHttp(new HttpConfig("tunnel.test", httpPort, httpsPort).withHttps(httpsPort, List.of(
                        new HttpsCertificateConfig(List.of("console.tunnel.test"), certificate.cert(),
                                certificate.key()))))
                .withAlerts(ServerConfigLoader.load(alerts).alerts()));
        Files.delete(alerts);
        base = "http://127.0.0.1:" + server.adminAddress().getPort();
        adminKey = AdminHttp.initialCredential(server.initialCredentials().orElseThrow().file(), "admin_api_key");
        admin = new AdminHttp(server.adminAddress(), adminKey);
    }

    @AfterAll
    static void stop() throws IOException {
        fixture.close();
        try (Stream<Path> files = Files.walk(certificateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void anOperatorRunsTheServiceFromTheConsole() throws Exception {
        try (Browser browser = Browser.start(1280, 900); HttpBackend web = new HttpBackend("console-web")) {
            // Sign in with the first start's admin key, by keyboard: the key field has the focus.
            browser.open(base + "/");
            WebElement key = browser.visible(By.id("sign-in-apiKey"));
            assertThat(browser.driver().getCurrentUrl()).isEqualTo(base + "/console/");
            assertThat(browser.driver().switchTo().activeElement()).isEqualTo(key);
            key.sendKeys(adminKey, Keys.ENTER);
            browser.visible(By.id("nav"));
            browser.until(d -> !browser.text(By.id("clients-online")).equals("—"));
            assertThat(browser.cookies()).singleElement().satisfies(cookie -> assertThat(cookie)
                    .containsEntry("name", "portway_session").containsEntry("httpOnly", true)
                    .containsEntry("sameSite", "Strict").containsEntry("secure", false)
                    .containsEntry("session", false));
            assertThat(script(browser, "return document.cookie")).isEqualTo("");

            // A client seen and then gone: the overview lists the alert within its next refreshes.
            TunnelClient gone = fixture.startClient(fixture.clientConfig(fixture.controlAddress().getPort(),
                    TunnelFixture.TOKEN, List.of(), Duration.ofSeconds(2)), "nas-offline", new RecordingEvents());
            while (!admin.expect(200, "GET", "/api/v1/sessions", null).findValuesAsText("clientId")
                    .contains("nas-offline")) {
                Thread.sleep(50);
            }
            // Seen by a few evaluations first: only a client that was present can go missing.
            Thread.sleep(600);
            gone.close();
            // The test CA's certificate lives a day: always within 14 days of its end, so that alert fires too.
            browser.until(d -> browser.text(By.id("alerts-list")).contains("PortwayClientOffline client=nas-offline")
                    && browser.text(By.id("alerts-list")).contains("PortwayCertificate"));
            assertThat(browser.text(By.id("alerts-firing"))).isEqualTo("2");
            assertThat(admin.expect(200, "GET", "/api/v1/alerts", null).findValuesAsText("alert"))
                    .containsExactlyInAnyOrder("PortwayClientOffline", "PortwayCertificate");
            browser.screenshot("console-overview-1280");

            // A user with a user key, and a client token: each shown once.
            browser.open(base + "/console/#/users");
            browser.visible(By.id("user-form-name")).sendKeys("carol");
            new Select(browser.visible(By.id("user-form-apiKeyRole"))).selectByValue("user");
            click(browser, "#user-form button[type=submit]");
            String carolKey = browser.visible(By.id("one-time-value")).getText();
            assertThat(carolKey).startsWith("pwk_");
            long carolId = Long.parseLong(browser.driver().getCurrentUrl().replaceAll(".*#/users/", ""));
            click(browser, "#one-time-secret button");
            browser.until(ExpectedConditions.invisibilityOfElementLocated(By.id("one-time-secret")));
            browser.visible(By.id("issue-token")).click();
            String token = browser.until(d -> browser.text(By.id("one-time-value")).startsWith("pwt_")
                    ? browser.text(By.id("one-time-value")) : null);
            browser.screenshot("console-user-1280");
            JsonNode tokens = admin.expect(200, "GET", "/api/v1/users/" + carolId + "/tokens", null);
            assertThat(tokens).hasSize(1);
            browser.driver().navigate().refresh();
            browser.until(d -> browser.text(By.id("tokens-table")).contains(tokens.get(0).path("prefix").asText()));
            assertThat(browser.driver().findElements(By.id("one-time-secret"))).as("shown once").isEmpty();
            assertThat(browser.driver().getPageSource()).doesNotContain(token);
            browser.open(base + "/console/#/users");
            browser.until(d -> browser.text(By.id("users-table")).contains("carol"));
            browser.screenshot("console-users-1280");
            // The filter is the API's (q=), applied in the database: one match of two users.
            browser.visible(By.id("users-table-filter")).sendKeys("caro");
            browser.until(d -> browser.text(By.id("users-table-status")).startsWith("1 users"));
            assertThat(browser.text(By.id("users-table"))).doesNotContain("admin");

            // A bad port: the API's own detail, next to the port field.
            browser.open(base + "/console/#/tunnels");
            String badBody = "{\"name\": \"bad\", \"type\": \"tcp\", \"remotePort\": 70000, \"subdomain\": null,"
                    + " \"customDomains\": null, \"locations\": null, \"localTarget\": \"127.0.0.1:9\", \"enabled\": true}";
            AdminHttp.Reply refused = admin.call("POST", "/api/v1/tunnels", badBody);
            assertThat(refused.status()).isEqualTo(422);
            fill(browser, Map.of("name", "bad", "remotePort", "70000", "localTarget", "127.0.0.1:9"));
            new Select(browser.visible(By.id("tunnel-form-type"))).selectByValue("tcp");
            click(browser, "#tunnel-form button[type=submit]");
            String detail = refused.json().path("detail").asText();
            browser.until(d -> browser.text(By.id("tunnel-form-remotePort-error")).equals(detail));
            assertThat(browser.visible(By.id("tunnel-form-remotePort")).getAttribute("aria-invalid")).isEqualTo("true");
            browser.screenshot("console-tunnel-error-1280");

            // An http tunnel for carol: pending while no client of hers is connected...
            new Select(browser.visible(By.id("tunnel-form-type"))).selectByValue("http");
            fill(browser, Map.of("name", "web", "remotePort", "", "subdomain", "web",
                    "localTarget", "127.0.0.1:" + web.port(), "ownerId", String.valueOf(carolId)));
            click(browser, "#tunnel-form button[type=submit]");
            browser.until(d -> browser.text(By.id("tunnel-push-status")).startsWith("web: pending"));
            browser.until(d -> "pending".equals(tunnelState(browser, "web")));

            // ...and up (pushed) once a real client logs in with her token.
            RecordingEvents events = new RecordingEvents();
            fixture.startClient(fixture.clientConfig(fixture.controlAddress().getPort(), token, List.of(),
                    Duration.ofSeconds(2)).withAllowTargets(List.of(HostPort.parse("127.0.0.1:" + web.port()))),
                    "carol-laptop", events);
            browser.until(d -> "up".equals(tunnelState(browser, "web")));
            browser.screenshot("console-tunnels-1280");

            // The live rate moves while bytes flow through the tunnel.
            browser.open(base + "/console/#/overview");
            browser.until(d -> browser.text(By.id("tunnels-up")).equals("1"));
            AtomicBoolean flowing = new AtomicBoolean(true);
            CompletableFuture<Integer> downloads = CompletableFuture.supplyAsync(() -> download(flowing));
            try {
                browser.until(d -> moving(browser.text(By.id("rate-in"))) || moving(browser.text(By.id("rate-out"))));
                browser.until(d -> Integer.parseInt(d.findElement(By.id("rate-chart")).getAttribute("data-samples")) >= 3);
                browser.screenshot("console-overview-live-1280");
            } finally {
                flowing.set(false);
            }
            assertThat(downloads.get(60, TimeUnit.SECONDS)).isPositive();

            // The hourly traffic chart, after the counters are flushed (twice: a flush in flight is joined).
            for (int i = 0; i < 2; i++) {
                server.storage().orElseThrow().storage().trafficCounter().flush().get(10, TimeUnit.SECONDS);
            }
            browser.open(base + "/console/#/tunnels");
            click(browser, "button[aria-label='Traffic of web']");
            browser.visible(By.cssSelector("#traffic svg"));
            assertThat(browser.driver().findElements(By.cssSelector("#traffic rect.bar-out"))).hasSize(24);
            browser.screenshot("console-traffic-1280");

            // Disconnect the session: its row goes (the client then reconnects with a new session).
            browser.open(base + "/console/#/sessions");
            // The round trip of the control connection, measured at each keep-alive (every 2 s here).
            browser.until(d -> {
                browser.driver().navigate().refresh();
                return browser.text(By.id("sessions-table")).matches("(?s).*\\d+\\.\\d ms.*");
            });
            WebElement disconnect = browser.visible(By.cssSelector("#sessions-table button[data-session]"));
            String sessionId = disconnect.getAttribute("data-session");
            browser.screenshot("console-sessions-1280");
            disconnect.click();
            browser.until(d -> d.findElements(By.cssSelector("button[data-session='" + sessionId + "']")).isEmpty());
            assertThat(admin.expect(200, "GET", "/api/v1/sessions", null).findValuesAsText("id"))
                    .doesNotContain(sessionId);

            browser.open(base + "/console/#/certificates");
            browser.until(d -> browser.text(By.id("certificates-table")).contains("console.tunnel.test"));
            assertThat(browser.text(By.id("certificates-table"))).contains("file", "valid", "days)");
            browser.screenshot("console-certificates-1280");

            browser.open(base + "/console/#/audit");
            browser.until(d -> browser.text(By.id("audit-table")).contains("session.disconnect"));
            browser.screenshot("console-audit-1280");

            click(browser, "#sign-out");
            browser.visible(By.id("sign-in"));
            assertThat(browser.cookies()).isEmpty();
        }
    }

    @Test
    void aUserKeySeesOnlyItsOwnTunnelsOnANarrowScreenAndInTheDark() throws Exception {
        JsonNode dave = admin.expect(201, "POST", "/api/v1/users", "{\"name\": \"dave\", \"apiKeyRole\": \"user\"}");
        long daveId = dave.path("user").path("id").asLong();
        admin.expect(201, "POST", "/api/v1/tunnels", "{\"name\": \"dave-web\", \"type\": \"http\", \"subdomain\":"
                + " \"dave\", \"localTarget\": \"127.0.0.1:8080\", \"ownerId\": " + daveId + "}");
        admin.expect(201, "POST", "/api/v1/tunnels", "{\"name\": \"admins-own\", \"type\": \"tcp\", \"remotePort\": "
                + TunnelFixture.freePort() + ", \"localTarget\": \"127.0.0.1:22\"}");

        try (Browser browser = Browser.start(390, 844)) {
            browser.open(base + "/console/");
            browser.visible(By.id("sign-in-apiKey"));
            browser.until(d -> script(browser, "return document.readyState").equals("complete"));
            Object firstLoad = script(browser, "const all = [performance.getEntriesByType('navigation')[0],"
                    + " ...performance.getEntriesByType('resource')];"
                    + " return all.length + ' requests, ' + all.reduce((s, e) => s + e.transferSize, 0)"
                    + " + ' bytes transferred, ' + all.reduce((s, e) => s + e.encodedBodySize, 0) + ' body bytes ('"
                    + " + all.reduce((s, e) => s + e.decodedBodySize, 0) + ' decoded)'");
            System.out.println("[console first load] " + firstLoad);
            browser.screenshot("console-sign-in-390");

            browser.visible(By.id("sign-in-apiKey")).sendKeys(dave.path("apiKey").path("key").asText(), Keys.ENTER);
            browser.visible(By.id("nav"));
            browser.until(d -> !browser.text(By.id("clients-online")).equals("—"));
            assertThat(browser.text(By.id("who"))).isEqualTo("dave (user)");
            assertThat(browser.driver().findElements(By.id("alerts-firing"))).as("alerts: admins only").isEmpty();
            assertThat(browser.driver().findElements(By.id("alerts-list"))).as("alerts: admins only").isEmpty();
            assertThat(browser.driver().findElement(By.id("nav-audit")).isDisplayed()).as("audit: admins only").isFalse();
            assertThat(browser.driver().findElement(By.id("nav-certificates")).isDisplayed()).as("admins only")
                    .isFalse();
            browser.screenshot("console-overview-390");

            browser.open(base + "/console/#/tunnels");
            browser.until(d -> browser.text(By.id("tunnels-table")).contains("dave-web"));
            assertThat(browser.text(By.id("tunnels-table"))).doesNotContain("admins-own");
            assertThat(((Number) script(browser, "return document.documentElement.scrollWidth")).intValue())
                    .as("no sideways scrolling at 390 px").isLessThanOrEqualTo(390);
            browser.screenshot("console-tunnels-390");

            browser.open(base + "/console/#/users");
            browser.until(d -> browser.text(By.id("users-table")).contains("dave"));
            assertThat(browser.text(By.id("users-table"))).doesNotContain("carol", "admin");
            browser.screenshot("console-users-390");

            browser.open(base + "/console/#/sessions");
            browser.visible(By.id("sessions-table"));
            browser.screenshot("console-sessions-390");

            browser.prefersColorScheme("dark");
            browser.open(base + "/console/#/overview");
            browser.until(d -> !browser.text(By.id("clients-online")).equals("—"));
            assertThat(script(browser, "return getComputedStyle(document.body).backgroundColor"))
                    .isEqualTo("rgb(17, 20, 24)");
            browser.screenshot("console-overview-390-dark");
        }
    }

    private static Object script(Browser browser, String code) {
        return browser.driver() instanceof org.openqa.selenium.JavascriptExecutor js ? js.executeScript(code) : null;
    }

    private static void click(Browser browser, String css) {
        browser.until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
    }

    /** Replaces the text of the tunnel form's fields. */
    private static void fill(Browser browser, Map<String, String> fields) {
        fields.forEach((name, value) -> {
            WebElement input = browser.visible(By.id("tunnel-form-" + name));
            input.clear();
            input.sendKeys(value);
        });
    }

    /** The state the tunnels table shows for a tunnel: up, pending or down; null while it is not listed. */
    private static String tunnelState(Browser browser, String name) {
        String text = browser.text(By.xpath("//table[@id='tunnels-table']//tr[td[1]='" + name + "']//span[@data-state]"));
        return text.isEmpty() ? null : text.startsWith("up") ? "up" : text.startsWith("pending") ? "pending" : "down";
    }

    private static boolean moving(String rate) {
        return !rate.isEmpty() && !rate.equals("—") && !rate.startsWith("0 B");
    }

    /**
     * Downloads through the http tunnel until told to stop, each body checked by SHA-256 and each connection ended
     * by the server with FIN after its answer ({@code Connection: close}); the number of downloads.
     */
    private static int download(AtomicBoolean flowing) {
        int count = 0;
        try {
            while (flowing.get() || count == 0) {
                try (HttpWire wire = new HttpWire(httpPort)) {
                    wire.send("GET /download?bytes=" + DOWNLOAD_BYTES + "&seed=" + count + " HTTP/1.1\r\n"
                            + "Host: web.tunnel.test\r\nConnection: close\r\n\r\n");
                    assertThat(wire.readHead().status()).isEqualTo(200);
                    assertThat(wire.readBodySha256(DOWNLOAD_BYTES)).isEqualTo(PatternStream.sha256(count, DOWNLOAD_BYTES));
                    assertThat(wire.closedByPeer()).as("FIN after the answer").isTrue();
                }
                count++;
            }
        } catch (IOException e) {
            throw new AssertionError("download " + count + " failed", e);
        }
        return count;
    }
}
