package dev.portway.admin.console;

import dev.portway.admin.http.AdminRequest;
import dev.portway.admin.http.AdminResponse;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static dev.portway.storage.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

class ConsoleTest {
    private final Console console = new Console();

    private AdminResponse get(String path, Map<String, String> headers) {
        Map<String, List<String>> lists = new java.util.HashMap<>();
        headers.forEach((name, value) -> lists.put(name, List.of(value)));
        return result(console.handle(new AdminRequest("GET", path, Map.of(), lists, null, "127.0.0.1:1")));
    }

    private static void assertLockedDown(AdminResponse response) {
        assertThat(response.headers()).containsEntry("Content-Security-Policy", Console.CONTENT_SECURITY_POLICY)
                .containsEntry("X-Content-Type-Options", "nosniff")
                .containsEntry("X-Frame-Options", "DENY");
        assertThat(Console.CONTENT_SECURITY_POLICY).contains("default-src 'none'", "script-src 'self';",
                "style-src 'self';", "frame-ancestors 'none'").doesNotContain("unsafe");
    }

    @Test
    void everyFileIsServedWithItsTypeAndTheSecurityHeaders() {
        for (String name : Console.FILES) {
            AdminResponse response = get("/console/" + name, Map.of());
            assertThat(response.status()).as(name).isEqualTo(200);
            assertThat(response.body()).as(name).isNotEmpty();
            assertThat(response.headers().get("Content-Type")).as(name).isNotBlank();
            assertThat(response.headers()).containsEntry("Cache-Control", "no-cache");
            assertLockedDown(response);
        }
        assertThat(get("/console/app.js", Map.of()).headers()).containsEntry("Content-Type",
                "text/javascript; charset=utf-8");
        assertThat(get("/console/", Map.of()).headers()).containsEntry("Content-Type", "text/html; charset=utf-8");
    }

    @Test
    void theListedFilesAreExactlyTheResourceDirectory() throws IOException, URISyntaxException {
        Path directory = Path.of(Console.class.getResource(Console.RESOURCES + "index.html").toURI()).getParent();
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(Console.FILES);
        }
    }

    @Test
    void theRootAndTheBareNameRedirectToTheConsole() {
        for (String path : List.of("/", "/console")) {
            AdminResponse response = get(path, Map.of());
            assertThat(response.status()).isEqualTo(302);
            assertThat(response.headers()).containsEntry("Location", "/console/");
            assertLockedDown(response);
        }
    }

    @Test
    void anUnknownFileOrAWriteIsAProblemWithTheSameHeaders() {
        AdminResponse missing = get("/console/../api/v1/users", Map.of());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.headers()).containsEntry("Content-Type", AdminResponse.PROBLEM_JSON);
        assertLockedDown(missing);
        AdminResponse post = result(console.handle(new AdminRequest("POST", "/console/", Map.of(), Map.of(), null,
                "127.0.0.1:1")));
        assertThat(post.status()).isEqualTo(405);
        assertLockedDown(post);
    }

    @Test
    void anUnchangedFileIsA304ByItsEtag() {
        String etag = get("/console/app.js", Map.of()).headers().get("ETag");
        assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");
        AdminResponse again = get("/console/app.js", Map.of("if-none-match", "\"other\", " + etag));
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers()).containsEntry("ETag", etag);
        assertLockedDown(again);
        assertThat(get("/console/app.js", Map.of("if-none-match", "\"other\"")).status()).isEqualTo(200);
    }

    @Test
    void textIsGzippedWhenTheBrowserAcceptsIt() throws IOException {
        AdminResponse plain = get("/console/tunnels.js", Map.of());
        AdminResponse gzipped = get("/console/tunnels.js", Map.of("accept-encoding", "gzip, deflate, br"));

        assertThat(plain.headers()).doesNotContainKey("Content-Encoding");
        assertThat(gzipped.headers()).containsEntry("Content-Encoding", "gzip").containsEntry("Vary", "Accept-Encoding");
        assertThat(gzipped.body().length).isLessThan(plain.body().length);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(plain.body());
        }
        assertThat(get("/console/tunnels.js", Map.of("accept-encoding", "gzip;q=0")).headers())
                .doesNotContainKey("Content-Encoding");
    }

    /** The CSP allows no inline code, so the files must hold none for the console to work at all. */
    @Test
    void thePagesHoldNoInlineScriptStyleOrHandler() {
        String html = new String(get("/console/", Map.of()).body(), StandardCharsets.UTF_8);
        Matcher scripts = Pattern.compile("<script([^>]*)>").matcher(html);
        while (scripts.find()) {
            assertThat(scripts.group(1)).contains("src=");
        }
        assertThat(html).doesNotContain("<style", "style=", "onclick=", "onload=", "javascript:");
        for (String name : Console.FILES) {
            if (name.endsWith(".js")) {
                String js = new String(get("/console/" + name, Map.of()).body(), StandardCharsets.UTF_8);
                assertThat(js).as(name).doesNotContain("innerHTML", "eval(", "new Function", "'style'");
            }
        }
    }
}
