package dev.portway.admin.apikeys;

import dev.portway.admin.testing.AdminApiFixture.Account;
import dev.portway.admin.testing.AdminApiFixture.Reply;
import dev.portway.admin.testing.SharedAdminApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static dev.portway.admin.testing.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class ApiKeyRoutesTest extends SharedAdminApi {
    @Test
    void aUserIssuesListsAndRevokesItsOwnKeysAndARevokedKeyStopsAtOnce() {
        Account kim = api.account("kim");
        Reply issued = api.call("POST", "/api/v1/users/" + kim.user().id() + "/api-keys", kim.key(), null);
        assertThat(issued.status()).isEqualTo(201);
        String key = issued.json().path("key").asText();
        assertThat(key).startsWith("pwk_");
        assertThat(issued.json().path("role").asText()).isEqualTo("user");
        assertThat(api.get("/api/v1/users/" + kim.user().id(), key).status()).isEqualTo(200);

        Reply list = api.get("/api/v1/users/" + kim.user().id() + "/api-keys", kim.key());
        assertThat(list.json()).hasSize(2);
        assertThat(list.toString()).doesNotContain(key);

        long id = issued.json().path("id").asLong();
        Reply revoked = api.call("DELETE", "/api/v1/api-keys/" + id, kim.key(), null);
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().path("revoked").asText()).isNotEmpty();
        assertProblem(api.get("/api/v1/users/" + kim.user().id(), key), 401);
    }

    @Test
    void rotatingReplacesTheKeyWithOneOfTheSameRoleAndIsAudited() {
        Account lee = api.account("lee");
        Reply first = api.call("POST", "/api/v1/users/" + lee.user().id() + "/api-keys", lee.key(), "{}");
        long id = first.json().path("id").asLong();

        Reply rotated = api.call("POST", "/api/v1/api-keys/" + id + "/rotate", lee.key(), null);

        assertThat(rotated.status()).isEqualTo(201);
        String fresh = rotated.json().path("key").asText();
        assertThat(rotated.json().path("role").asText()).isEqualTo("user");
        assertThat(api.get("/api/v1/users/" + lee.user().id(), fresh).status()).isEqualTo(200);
        assertProblem(api.get("/api/v1/users/" + lee.user().id(), first.json().path("key").asText()), 401);
        assertProblem(api.call("POST", "/api/v1/api-keys/" + id + "/rotate", lee.key(), null), 404);
        var entry = api.call("GET", "/api/v1/audit", Map.of("limit", "1"), api.adminKey, null).json().get(0);
        assertThat(entry.path("action").asText()).isEqualTo("apiKey.rotate");
    }

    @Test
    void aUserKeyCannotIssueAnAdminKeyNorTouchAnotherUsersKeys() {
        Account mo = api.account("mo");
        Account other = api.account("other-of-mo");
        assertProblem(api.call("POST", "/api/v1/users/" + mo.user().id() + "/api-keys", mo.key(),
                "{\"role\": \"admin\"}"), 403);
        assertProblem(api.call("POST", "/api/v1/users/" + other.user().id() + "/api-keys", mo.key(), null), 403);
        long othersKey = api.call("POST", "/api/v1/users/" + other.user().id() + "/api-keys", other.key(), null)
                .json().path("id").asLong();
        assertProblem(api.call("DELETE", "/api/v1/api-keys/" + othersKey, mo.key(), null), 403);
        assertProblem(api.call("POST", "/api/v1/api-keys/" + othersKey + "/rotate", mo.key(), null), 403);
        assertProblem(api.get("/api/v1/users/" + other.user().id() + "/api-keys", mo.key()), 403);
        assertProblem(api.call("POST", "/api/v1/users/" + mo.user().id() + "/api-keys", mo.key(),
                "{\"role\": \"root\"}"), 422, "role");

        Reply admin = api.call("POST", "/api/v1/users/" + mo.user().id() + "/api-keys", api.adminKey,
                "{\"role\": \"admin\"}");
        assertThat(admin.json().path("role").asText()).isEqualTo("admin");
    }

    @Test
    void unknownUserOrKeyIs404() {
        assertProblem(api.call("POST", "/api/v1/users/999999/api-keys", api.adminKey, null), 404);
        assertProblem(api.get("/api/v1/users/999999/api-keys", api.adminKey), 404);
        assertProblem(api.call("DELETE", "/api/v1/api-keys/999999", api.adminKey, null), 404);
        assertProblem(api.call("POST", "/api/v1/api-keys/999999/rotate", api.adminKey, null), 404);
    }
}
