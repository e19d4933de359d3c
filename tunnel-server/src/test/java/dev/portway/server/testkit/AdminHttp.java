package dev.portway.server.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The admin API of a test's server, called with one key. */
public final class AdminHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String key;

    public AdminHttp(InetSocketAddress admin, String key) {
        this.baseUrl = baseUrl(admin);
        this.key = key;
    }

    /** {@code http://host:port} of an admin listener: a cluster node's has an address of its own on loopback. */
    public static String baseUrl(InetSocketAddress admin) {
        String host = admin.getAddress() == null || admin.getAddress().isAnyLocalAddress() ? "127.0.0.1"
                : admin.getAddress().getHostAddress();
        return "http://" + host + ":" + admin.getPort();
    }

    public String baseUrl() {
        return baseUrl;
    }

    public record Reply(int status, String body) {
        public JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    public Reply call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }

    /** A call that must succeed; its JSON answer. */
    public JsonNode expect(int status, String method, String path, String body) throws Exception {
        Reply reply = call(method, path, body);
        if (reply.status() != status) {
            throw new AssertionError(method + " " + path + ": expected " + status + ", got " + reply.status() + " "
                    + reply.body());
        }
        return reply.body().isEmpty() ? JSON.nullNode() : reply.json();
    }

    /** The value of {@code name} in a first start's {@code initial-credentials} file. */
    public static String initialCredential(Path file, String name) throws IOException {
        return Files.readAllLines(file).stream()
                .filter(line -> line.startsWith(name + "="))
                .map(line -> line.substring(name.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + file));
    }
}
