package dev.portway.admin.sessions;

import dev.portway.admin.testing.AdminApiFixture.Account;
import dev.portway.admin.testing.AdminApiFixture.Reply;
import dev.portway.admin.testing.SharedAdminApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static dev.portway.admin.testing.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class SessionRoutesTest extends SharedAdminApi {
    @Test
    void listShowsLiveSessionsAndAUserKeyOnlyItsOwn() {
        Account max = api.account("max");
        Account nia = api.account("nia");
        api.live.connect("max-1", max.user().id(), 1);
        api.live.connect("nia-1", nia.user().id(), 2);

        Reply all = api.get("/api/v1/sessions", api.adminKey);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.json().findValuesAsText("id")).contains("max-1", "nia-1");
        Reply own = api.get("/api/v1/sessions", max.key());
        assertThat(own.json().findValuesAsText("id")).containsExactly("max-1");
        assertThat(own.json().get(0).path("clientId").asText()).isEqualTo("client-max-1");
        assertThat(own.json().get(0).path("connectedAt").asText()).isEqualTo("2025-01-01T10:00:00Z");
        assertThat(own.json().get(0).path("tunnels").get(0).asText()).isEqualTo("ssh");
        assertThat(own.json().get(0).path("rttMillis").asDouble()).isEqualTo(1.5);
    }

    @Test
    void deleteDisconnectsAndIsAudited() {
        Account oz = api.account("oz");
        api.live.connect("oz-1", oz.user().id(), 3);

        assertThat(api.call("DELETE", "/api/v1/sessions/oz-1", oz.key(), null).status()).isEqualTo(204);
        assertThat(api.live.disconnected).contains("oz-1");
        assertProblem(api.call("DELETE", "/api/v1/sessions/oz-1", oz.key(), null), 404);
        assertThat(api.call("GET", "/api/v1/audit", Map.of("limit", "1"), api.adminKey, null).json().get(0)
                .path("target").asText()).isEqualTo("session:oz-1");
    }

    @Test
    void aSessionOfAnotherNodeIsListedWithItsNodeAndEndedByAskingThatNode() {
        Account ida = api.account("ida");
        api.live.connectElsewhere("ida-1", ida.user().id(), "node-b");

        Reply own = api.get("/api/v1/sessions", ida.key());
        assertThat(own.json().findValuesAsText("id")).containsExactly("ida-1");
        assertThat(own.json().get(0).path("node").asText()).isEqualTo("node-b");
        assertThat(api.call("DELETE", "/api/v1/sessions/ida-1", ida.key(), null).status()).isEqualTo(202);
        assertThat(api.live.askedToEnd).containsExactly("ida-1");
        assertThat(api.live.disconnected).doesNotContain("ida-1");
        assertProblem(api.call("DELETE", "/api/v1/sessions/ida-1", ida.key(), null), 404);
        assertThat(api.call("GET", "/api/v1/audit", Map.of("limit", "1"), api.adminKey, null).json().get(0)
                .path("detail").path("node").asText()).isEqualTo("node-b");
    }
}
