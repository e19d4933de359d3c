package dev.portway.admin.http;

import dev.portway.admin.problem.ApiException;
import dev.portway.admin.problem.ProblemType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Routing and strict JSON reading, without a database. */
class RouterAndJsonTest {
    private static final Handler OK = call -> CompletableFuture.completedFuture(AdminResponse.noContent());
    private static final Router ROUTER = new Router(List.of(
            Route.route("GET", "/api/v1/things", "list").handler(OK),
            Route.route("GET", "/api/v1/things/{id}", "get").handler(OK),
            Route.route("DELETE", "/api/v1/things/{id}", "delete").handler(OK)));

    @Test
    void matchesTemplatesAndExtractsParameters() {
        Router.Match match = ROUTER.resolve("DELETE", "/api/v1/things/42");
        assertThat(match.route().operationId()).isEqualTo("delete");
        assertThat(match.parameters()).isEqualTo(Map.of("id", "42"));
    }

    @Test
    void pathsThatAlmostMatchAreNoRoute() {
        for (String path : List.of("/api/v1/things/", "/api/v1/things/42/", "/api/v1/things//x", "/api/v1",
                "api/v1/things", "/API/v1/things")) {
            assertThatThrownBy(() -> ROUTER.resolve("GET", path)).as(path)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.type()).isEqualTo(ProblemType.NO_ROUTE));
        }
    }

    @Test
    void wrongMethodListsTheAllowedOnes() {
        assertThatThrownBy(() -> ROUTER.resolve("POST", "/api/v1/things/1"))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.headers()).containsEntry("Allow", "DELETE, GET"));
    }

    @Test
    void aRouteDeclaredTwiceIsRefused() {
        assertThatThrownBy(() -> new Router(List.of(Route.route("GET", "/a", "one").handler(OK),
                Route.route("GET", "/a", "two").handler(OK)))).isInstanceOf(IllegalArgumentException.class);
    }

    record Sample(String name, Integer port, Boolean enabled, List<String> tags) {
    }

    private static Sample read(String json) {
        return Json.read(json.getBytes(StandardCharsets.UTF_8), Sample.class);
    }

    private static void assertRefused(String json, ProblemType type, String field) {
        assertThatThrownBy(() -> read(json)).as(json).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.type()).isEqualTo(type);
            assertThat(e.field()).isEqualTo(field);
        });
    }

    @Test
    void jsonIsReadStrictly() {
        assertThat(read("{\"name\": \"a\", \"port\": 1, \"enabled\": true, \"tags\": [\"x\"]}"))
                .isEqualTo(new Sample("a", 1, true, List.of("x")));
        assertRefused("{\"name\": 5}", ProblemType.INVALID_FIELD, "name");
        assertRefused("{\"name\": true}", ProblemType.INVALID_FIELD, "name");
        assertRefused("{\"port\": \"5\"}", ProblemType.INVALID_FIELD, "port");
        assertRefused("{\"port\": 5.5}", ProblemType.INVALID_FIELD, "port");
        assertRefused("{\"enabled\": 1}", ProblemType.INVALID_FIELD, "enabled");
        assertRefused("{\"tags\": [1]}", ProblemType.INVALID_FIELD, "tags[0]");
        assertRefused("{\"prot\": 5}", ProblemType.INVALID_FIELD, "prot");
        assertRefused("{\"name\": \"a\", \"name\": \"b\"}", ProblemType.MALFORMED_REQUEST, null);
        assertRefused("{\"name\": \"a\"", ProblemType.MALFORMED_REQUEST, null);
        assertRefused("42", ProblemType.MALFORMED_REQUEST, null);
        assertRefused("null", ProblemType.MALFORMED_REQUEST, null);
    }

    @Test
    void requestAndResponseNeverPrintHeadersOrBody() {
        AdminRequest request = new AdminRequest("GET", "/x", Map.of(),
                Map.of("Authorization", List.of("Bearer pwk_secret")), "pwt_token".getBytes(StandardCharsets.UTF_8),
                "127.0.0.1:1");
        assertThat(request.toString()).doesNotContain("pwk_secret", "pwt_token");
        assertThat(request.header("authorization")).contains("Bearer pwk_secret");
        assertThat(new AdminResponse(201, Map.of(), "pwt_token".getBytes(StandardCharsets.UTF_8)).toString())
                .doesNotContain("pwt_token");
    }
}
