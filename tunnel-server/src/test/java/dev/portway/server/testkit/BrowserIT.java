package dev.portway.server.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;

import com.sun.net.httpserver.HttpServer;

/** The browser the page tests drive starts, runs a page's script, and leaves a screenshot with the report. */
@EnabledIf("dev.portway.server.testkit.Browser#installed")
class BrowserIT {
    @Test
    void loadsAPageRunsItsScriptAndTakesAScreenshot() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] page = "<!doctype html><title>t</title><p id=out></p><script>out.textContent = 6 * 7</script>"
                .getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        server.start();
        try (Browser browser = Browser.start(390, 800)) {
            browser.open("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            assertThat(browser.visible(By.id("out")).getText()).isEqualTo("42");
            assertThat(Files.size(browser.screenshot("browser-smoke"))).isPositive();
        } finally {
            server.stop(0);
        }
    }
}
