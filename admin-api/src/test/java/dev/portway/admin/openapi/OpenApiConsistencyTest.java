package dev.portway.admin.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.admin.http.Route;
import dev.portway.admin.testing.AdminApiFixture;
import dev.portway.admin.testing.AdminApiFixture.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The published document and what is served agree: every documented operation is routed (never "no route" or 405),
 * every route is documented, and on a documented path every other method is a 405 listing exactly the documented ones.
 */
@Timeout(60)
class OpenApiConsistencyTest {
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    @TempDir
    static Path dataDir;
    static AdminApiFixture api;
    static JsonNode document;

    @BeforeAll
    static void start() {
        api = new AdminApiFixture(dataDir);
        Reply reply = api.get("/api/v1/openapi.json", null);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).isEqualTo("application/json");
        document = reply.json();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static Set<String> documentedOperations() {
        Set<String> operations = new TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(
                method -> operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
        return operations;
    }

    @Test
    void documentIsOpenApi3WithBearerAuth() {
        assertThat(document.path("openapi").asText()).startsWith("3.0");
        assertThat(document.path("components").path("securitySchemes").path("apiKey").path("scheme").asText())
                .isEqualTo("bearer");
        assertThat(document.path("paths").path("/api/v1/tunnels").path("post").path("requestBody").path("content")
                .path("application/json").path("schema").path("$ref").asText())
                .isEqualTo("#/components/schemas/CreateTunnel");
    }

    @Test
    void planBodiesAreDocumentedInTheirJsonSpelling() {
        JsonNode put = document.path("paths").path("/api/v1/plans/{id}").path("put");
        assertThat(put.path("requestBody").path("content").path("application/json").path("schema").path("$ref")
                .asText()).isEqualTo("#/components/schemas/PlanBody");
        JsonNode plan = document.path("components").path("schemas").path("PlanBody").path("properties");
        assertThat(plan.path("default").path("type").asText()).isEqualTo("boolean");
        assertThat(plan.has("isDefault")).isFalse();
        assertThat(plan.path("warningShare").path("type").asText()).isEqualTo("number");
        assertThat(plan.path("tunnelTypes").path("items").path("type").asText()).isEqualTo("string");
        assertThat(document.path("paths").path("/api/v1/users/{id}/usage").path("get").path("responses").path("200")
                .path("content").path("application/json").path("schema").path("$ref").asText())
                .isEqualTo("#/components/schemas/UsageView");
        assertThat(document.path("components").path("schemas").path("UsageView").path("properties")
                .path("limits").path("$ref").asText()).isEqualTo("#/components/schemas/LimitsView");
    }

    @Test
    void everyServedRouteIsDocumentedAndNothingElse() {
        Set<String> served = new TreeSet<>();
        for (Route route : api.api.routes()) {
            served.add(route.method() + " " + route.path().text());
        }
        assertThat(documentedOperations()).isEqualTo(served);
    }

    @Test
    void everyDocumentedOperationIsServed() {
        List<String> unserved = new ArrayList<>();
        for (String operation : documentedOperations()) {
            String method = operation.substring(0, operation.indexOf(' '));
            String path = concrete(operation.substring(operation.indexOf(' ') + 1));
            Reply reply = api.call(method, path, api.adminKey, method.equals("GET") || method.equals("DELETE") ? null : "{}");
            boolean noRoute = reply.status() == 404
                    && reply.json().path("type").asText().equals("urn:portway:problem:no-route");
            if (noRoute || reply.status() == 405) {
                unserved.add(operation + " -> " + reply);
            }
        }
        assertThat(unserved).isEmpty();
    }

    @Test
    void otherMethodsOnDocumentedPathsAre405WithTheDocumentedAllow() {
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            Set<String> documented = new TreeSet<>();
            path.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT)));
            for (String method : METHODS) {
                if (!documented.contains(method)) {
                    Reply reply = api.call(method, concrete(path.getKey()), api.adminKey, null);
                    assertThat(reply.status()).as("%s %s", method, path.getKey()).isEqualTo(405);
                    assertThat(reply.header("Allow")).isEqualTo(String.join(", ", documented));
                }
            }
        }
    }

    @Test
    void everySchemaReferenceResolves() {
        List<String> refs = document.findValuesAsText("$ref");
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            String name = ref.substring("#/components/schemas/".length());
            assertThat(document.path("components").path("schemas").has(name)).as(ref).isTrue();
        }
    }

    private static String concrete(String template) {
        return template.replace("{id}", "999999").replace("{sessionId}", "no-such-session");
    }
}
