package dev.portway.admin.users;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.admin.testing.AdminApiFixture;
import dev.portway.admin.testing.AdminApiFixture.Account;
import dev.portway.admin.testing.AdminApiFixture.Reply;
import dev.portway.admin.testing.SharedAdminApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.Map;

import static dev.portway.admin.testing.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** The user routes and the request-level errors they share with every route, on real PostgreSQL. */
@Timeout(60)
class UserRoutesTest extends SharedAdminApi {
    @Test
    void adminCreatesUserWithAKeyShownOnceThatThenWorksAsAUserKey() {
        Reply created = api.call("POST", "/api/v1/users", api.adminKey, "{\"name\": \"carol\", \"apiKeyRole\": \"user\"}");

        assertThat(created.status()).isEqualTo(201);
        JsonNode body = created.json();
        long id = body.path("user").path("id").asLong();
        assertThat(created.header("Location")).isEqualTo("/api/v1/users/" + id);
        assertThat(body.path("user").path("name").asText()).isEqualTo("carol");
        assertThat(body.path("user").path("status").asText()).isEqualTo("active");
        String key = body.path("apiKey").path("key").asText();
        assertThat(key).startsWith("pwk_");
        assertThat(body.path("apiKey").path("prefix").asText()).isEqualTo(key.substring(0, 8));

        Reply own = api.get("/api/v1/users/" + id, key);
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().path("name").asText()).isEqualTo("carol");
        Reply list = api.get("/api/v1/users", key);
        assertThat(list.json()).hasSize(1);
        assertThat(list.json().get(0).path("id").asLong()).isEqualTo(id);
    }

    @Test
    void adminListsGetsSuspendsAndDeletesUsers() {
        Account dave = api.account("dave");
        api.live.connect("dave-1", dave.user().id(), 99);

        assertThat(api.get("/api/v1/users", api.adminKey).json().findValuesAsText("name")).contains("root", "dave");
        assertThat(api.get("/api/v1/users/" + dave.user().id(), api.adminKey).json().path("name").asText())
                .isEqualTo("dave");

        Reply suspended = api.call("PATCH", "/api/v1/users/" + dave.user().id(), api.adminKey,
                "{\"status\": \"suspended\"}");
        assertThat(suspended.status()).isEqualTo(200);
        assertThat(suspended.json().path("status").asText()).isEqualTo("suspended");
        assertThat(api.live.disconnected).contains("dave-1");
        // A suspended user's key is refused, so no one acts under a paused account.
        assertProblem(api.get("/api/v1/users/" + dave.user().id(), dave.key()), 403);

        assertThat(api.call("DELETE", "/api/v1/users/" + dave.user().id(), api.adminKey, null).status())
                .isEqualTo(204);
        assertProblem(api.get("/api/v1/users/" + dave.user().id(), api.adminKey), 404);
        assertProblem(api.call("DELETE", "/api/v1/users/" + dave.user().id(), api.adminKey, null), 404);
        assertProblem(api.get("/api/v1/users/" + dave.user().id(), dave.key()), 401);
    }

    @Test
    void duplicateNameIs409NamingTheField() {
        api.call("POST", "/api/v1/users", api.adminKey, "{\"name\": \"erin\"}");
        assertProblem(api.call("POST", "/api/v1/users", api.adminKey, "{\"name\": \"erin\"}"), 409, "name");
    }

    @Test
    void invalidFieldsAre422NamingTheField() {
        assertProblem(api.call("POST", "/api/v1/users", api.adminKey, "{\"name\": \"has space\"}"), 422, "name");
        assertProblem(api.call("POST", "/api/v1/users", api.adminKey, "{}"), 422, "name");
        assertProblem(api.call("POST", "/api/v1/users", api.adminKey, "{\"name\": 42}"), 422, "name");
        assertProblem(api.call("POST", "/api/v1/users", api.adminKey, "{\"name\": \"x\", \"apiKeyRole\": \"root\"}"),
                422, "apiKeyRole");
        assertProblem(api.call("POST", "/api/v1/users", api.adminKey, "{\"nmae\": \"typo\"}"), 422, "nmae");
        assertProblem(api.call("PATCH", "/api/v1/users/" + api.admin.id(), api.adminKey, "{\"status\": \"gone\"}"),
                422, "status");
    }

    @Test
    void malformedJsonIs400() {
        assertProblem(api.call("POST", "/api/v1/users", api.adminKey, "{\"name\": "), 400);
        assertProblem(api.call("POST", "/api/v1/users", api.adminKey, "[\"name\"]"), 400);
        assertProblem(api.call("POST", "/api/v1/users", api.adminKey, ""), 400);
        assertProblem(api.call("POST", "/api/v1/users", api.adminKey, "{\"name\": \"a\"} {}"), 400);
    }

    @Test
    void bodyOverOneMebibyteIs413() {
        byte[] body = new byte[1024 * 1024 + 1];
        assertProblem(api.call("POST", "/api/v1/users", Map.of(), api.adminKey, body), 413);
    }

    @Test
    void missingOrBadKeyIs401WithABearerChallenge() {
        Reply none = api.get("/api/v1/users", null);
        assertProblem(none, 401);
        assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"portway-admin\"");

        Reply wrong = api.get("/api/v1/users", "pwk_not-a-real-key");
        assertProblem(wrong, 401);
        assertThat(wrong.header("WWW-Authenticate")).contains("Bearer", "error=\"invalid_token\"");
        assertProblem(api.get("/api/v1/users", "pwt_a-client-token"), 401);
    }

    @Test
    void userKeyCannotCreateChangeOrDeleteUsers() {
        Account frank = api.account("frank");
        assertProblem(api.call("POST", "/api/v1/users", frank.key(), "{\"name\": \"mallory\"}"), 403);
        assertProblem(api.call("PATCH", "/api/v1/users/" + frank.user().id(), frank.key(), "{\"status\": \"active\"}"),
                403);
        assertProblem(api.call("DELETE", "/api/v1/users/" + frank.user().id(), frank.key(), null), 403);
        assertProblem(api.get("/api/v1/users/" + api.admin.id(), frank.key()), 403);
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() {
        JsonNode noRoute = assertProblem(api.get("/api/v1/nothing", api.adminKey), 404);
        assertThat(noRoute.path("type").asText()).isEqualTo("urn:portway:problem:no-route");
        assertProblem(api.get("/api/v1/users/abc", api.adminKey), 404);

        Reply wrongMethod = api.call("PUT", "/api/v1/users/1", api.adminKey, "{}");
        assertProblem(wrongMethod, 405);
        assertThat(wrongMethod.header("Allow")).isEqualTo("DELETE, GET, PATCH");
    }

    @Test
    void adminSetsAndClearsAPlanAndAnExpiry() {
        Account user = api.account("planned");
        String path = "/api/v1/users/" + user.user().id();
        long plan = api.call("POST", "/api/v1/plans", api.adminKey, "{\"name\": \"user-plan\"}").json()
                .path("id").asLong();
        JsonNode before = api.get(path, api.adminKey).json();
        assertThat(before.path("planId").isNull()).isTrue();
        assertThat(before.path("expiresAt").isNull()).isTrue();

        Reply planned = api.call("PATCH", path, api.adminKey,
                "{\"planId\": " + plan + ", \"expiresAt\": \"2030-01-31T00:00:00Z\"}");
        assertThat(planned.status()).isEqualTo(200);
        assertThat(planned.json().path("planId").asLong()).isEqualTo(plan);
        assertThat(planned.json().path("expiresAt").asText()).isEqualTo("2030-01-31T00:00:00Z");
        assertThat(planned.json().path("status").asText()).isEqualTo("active");
        String since = planned.json().path("planSince").asText();
        assertThat(Instant.parse(since)).isAfter(Instant.parse(before.path("planSince").asText()));

        JsonNode statusOnly = api.call("PATCH", path, api.adminKey, "{\"status\": \"active\"}").json();
        assertThat(statusOnly.path("planId").asLong()).as("absent: kept").isEqualTo(plan);
        assertThat(statusOnly.path("planSince").asText()).isEqualTo(since);
        assertThat(statusOnly.path("expiresAt").asText()).isEqualTo("2030-01-31T00:00:00Z");
        assertThat(api.call("PATCH", path, api.adminKey, "{}").json()).isEqualTo(statusOnly);

        JsonNode cleared = api.call("PATCH", path, api.adminKey, "{\"planId\": null, \"expiresAt\": null}").json();
        assertThat(cleared.path("planId").isNull()).as("null: the default plan").isTrue();
        assertThat(cleared.path("expiresAt").isNull()).as("null: never").isTrue();
        assertThat(api.get(path, user.key()).json()).isEqualTo(cleared);

        JsonNode entry = api.get("/api/v1/audit", api.adminKey).json().get(0);
        assertThat(entry.path("action").asText()).isEqualTo("user.update");
        assertThat(entry.path("target").asText()).isEqualTo("user:" + user.user().id());
        assertThat(entry.path("detail").toString()).isEqualTo("{\"planId\":null,\"expiresAt\":null}");
    }

    @Test
    void aWrongPlanOrExpiryIs422NamingItAndChangesNothing() {
        Account user = api.account("misplanned");
        String path = "/api/v1/users/" + user.user().id();
        assertProblem(api.call("PATCH", path, api.adminKey, "{\"status\": \"suspended\", \"planId\": 999999}"),
                422, "planId");
        assertThat(api.get(path, api.adminKey).json().path("status").asText()).as("nothing written")
                .isEqualTo("active");
        assertProblem(api.call("PATCH", path, api.adminKey, "{\"planId\": 0}"), 422, "planId");
        assertProblem(api.call("PATCH", path, api.adminKey, "{\"planId\": \"1\"}"), 422, "planId");
        assertProblem(api.call("PATCH", path, api.adminKey, "{\"expiresAt\": \"tomorrow\"}"), 422, "expiresAt");
        assertProblem(api.call("PATCH", path, api.adminKey, "{\"expiresAt\": 1893456000}"), 422, "expiresAt");
        assertProblem(api.call("PATCH", path, api.adminKey, "{\"status\": null}"), 422, "status");
        assertProblem(api.call("PATCH", path, user.key(), "{\"planId\": null}"), 403);
        assertProblem(api.call("PATCH", "/api/v1/users/999999", api.adminKey, "{\"expiresAt\": null}"), 404);
        assertProblem(api.call("PATCH", "/api/v1/users/999999", api.adminKey, "{}"), 404);
    }

    @Test
    void everyChangeIsAudited() {
        Reply created = api.call("POST", "/api/v1/users", api.adminKey, "{\"name\": \"grace\", \"apiKeyRole\": \"user\"}");
        long id = created.json().path("user").path("id").asLong();
        String key = created.json().path("apiKey").path("key").asText();

        JsonNode entry = api.get("/api/v1/audit", api.adminKey).json().get(0);
        assertThat(entry.path("action").asText()).isEqualTo("user.create");
        assertThat(entry.path("target").asText()).isEqualTo("user:" + id);
        assertThat(entry.path("actor").asText()).startsWith("root (api key ");
        assertThat(entry.path("remoteAddress").asText()).isEqualTo(AdminApiFixture.REMOTE);
        assertThat(entry.path("at").asText()).isNotEmpty();
        assertThat(entry.path("detail").path("apiKey").path("prefix").asText()).isEqualTo(key.substring(0, 8));
        assertThat(entry.toString()).doesNotContain(key);
    }
}
