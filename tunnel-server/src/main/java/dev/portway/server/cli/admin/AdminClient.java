package dev.portway.server.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The admin API at one base URL with one API key, over the JDK's HTTP client. */
final class AdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String apiKey;

    /** @param baseUrl {@code http://127.0.0.1:7500}, with or without a trailing slash */
    AdminClient(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.apiKey = apiKey;
    }

    /** @param body the response body; empty for 204 */
    record Reply(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        JsonNode json() throws IOException {
            return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
        }

        /** An RFC 9457 problem as one line: its detail (or title), and the field it is about. */
        String problem() {
            try {
                JsonNode problem = JSON.readTree(body);
                String text = problem.hasNonNull("detail") ? problem.get("detail").asText()
                        : problem.path("title").asText("HTTP " + status);
                return problem.hasNonNull("field") ? text + " (field: " + problem.get("field").asText() + ")" : text;
            } catch (IOException notJson) {
                return "HTTP " + status + (body.isBlank() ? "" : ": " + body.strip());
            }
        }
    }

    Reply send(ApiCall call) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + call.path()))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + apiKey)
                .header("Accept", "application/json");
        if (call.body() != null) {
            request.header("Content-Type", "application/json")
                    .method(call.method(), HttpRequest.BodyPublishers.ofString(call.body(), StandardCharsets.UTF_8));
        } else {
            request.method(call.method(), HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = http.send(request.build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(response.statusCode(), response.body());
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "AdminClient[" + baseUrl + "]";
    }
}
