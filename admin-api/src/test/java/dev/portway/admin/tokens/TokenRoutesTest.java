package dev.portway.admin.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.admin.testing.AdminApiFixture.Account;
import dev.portway.admin.testing.AdminApiFixture.Reply;
import dev.portway.admin.testing.SharedAdminApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static dev.portway.admin.testing.Problems.assertProblem;
import static dev.portway.storage.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class TokenRoutesTest extends SharedAdminApi {
    @Test
    void issuedTokenIsShownOnceListedByPrefixAndAuthenticatesClients() {
        Account henry = api.account("henry");
        Reply issued = api.call("POST", "/api/v1/users/" + henry.user().id() + "/tokens", henry.key(), null);

        assertThat(issued.status()).isEqualTo(201);
        String token = issued.json().path("token").asText();
        assertThat(token).startsWith("pwt_");
        assertThat(issued.json().path("prefix").asText()).isEqualTo(token.substring(0, 8));
        assertThat(result(api.storage.tokenCache().authenticate(token))).isPresent();

        Reply list = api.get("/api/v1/users/" + henry.user().id() + "/tokens", henry.key());
        assertThat(list.status()).isEqualTo(200);
        JsonNode row = list.json().get(0);
        assertThat(row.path("prefix").asText()).isEqualTo(token.substring(0, 8));
        assertThat(row.path("created").asText()).isNotEmpty();
        assertThat(row.has("lastUsed")).isTrue();
        assertThat(row.path("revoked").isNull()).isTrue();
        assertThat(row.has("token")).isFalse();
        assertThat(row.has("hash")).isFalse();
        assertThat(list.toString()).doesNotContain(token);
    }

    @Test
    void revokingEndsTheSessionsThatUsedTheTokenAndIsAudited() {
        Account ida = api.account("ida");
        long tokenId = api.call("POST", "/api/v1/users/" + ida.user().id() + "/tokens", api.adminKey, "{}")
                .json().path("id").asLong();
        api.live.connect("ida-laptop", ida.user().id(), tokenId);
        api.live.connect("ida-other-token", ida.user().id(), tokenId + 1000);

        Reply revoked = api.call("DELETE", "/api/v1/tokens/" + tokenId, ida.key(), null);

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().path("token").path("revoked").asText()).isNotEmpty();
        assertThat(revoked.json().path("disconnectedSessions")).hasSize(1);
        assertThat(api.live.disconnected).containsExactly("ida-laptop");
        JsonNode entry = api.call("GET", "/api/v1/audit", Map.of("limit", "1"), api.adminKey, null).json().get(0);
        assertThat(entry.path("action").asText()).isEqualTo("token.revoke");
        assertThat(entry.path("target").asText()).isEqualTo("token:" + tokenId);
        assertThat(entry.path("actor").asText()).startsWith("ida ");
    }

    @Test
    void unknownUserOrTokenIs404() {
        assertProblem(api.call("POST", "/api/v1/users/999999/tokens", api.adminKey, null), 404);
        assertProblem(api.get("/api/v1/users/999999/tokens", api.adminKey), 404);
        assertProblem(api.call("DELETE", "/api/v1/tokens/999999", api.adminKey, null), 404);
    }

    @Test
    void aBodyOnIssueMayOnlyBeAnEmptyObject() {
        assertProblem(api.call("POST", "/api/v1/users/" + api.admin.id() + "/tokens", api.adminKey,
                "{\"name\": \"laptop\"}"), 422, "name");
    }
}
