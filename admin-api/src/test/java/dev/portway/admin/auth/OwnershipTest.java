package dev.portway.admin.auth;

import dev.portway.admin.testing.AdminApiFixture;
import dev.portway.admin.testing.AdminApiFixture.Account;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.portway.admin.testing.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user key never reads or changes another user's data. The rule is 403 on every route for a resource that exists
 * and belongs to someone else (404 is kept for ids that exist for nobody); see {@link Operator}.
 */
@Timeout(60)
class OwnershipTest {
    @TempDir
    static Path dataDir;
    static AdminApiFixture api;
    static Account owner;
    static Account intruder;
    static long tunnelId;
    static long tokenId;

    @BeforeAll
    static void start() {
        api = new AdminApiFixture(dataDir);
        owner = api.account("owner");
        intruder = api.account("intruder");
        tunnelId = api.call("POST", "/api/v1/tunnels", owner.key(),
                        "{\"name\": \"private\", \"type\": \"tcp\", \"remotePort\": 4100, \"localTarget\": \"127.0.0.1:22\"}")
                .json().path("tunnel").path("id").asLong();
        tokenId = api.call("POST", "/api/v1/users/" + owner.user().id() + "/tokens", owner.key(), null)
                .json().path("id").asLong();
        api.live.connect("owner-session", owner.user().id(), tokenId);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void anotherUsersTunnelIsForbiddenToReadChangeDeleteOrMeter() {
        String path = "/api/v1/tunnels/" + tunnelId;
        assertProblem(api.get(path, intruder.key()), 403);
        assertProblem(api.call("PATCH", path, intruder.key(), "{\"localTarget\": \"10.0.0.1:22\"}"), 403);
        assertProblem(api.call("DELETE", path, intruder.key(), null), 403);
        assertProblem(api.get(path + "/traffic", intruder.key()), 403);
        assertThat(api.get("/api/v1/tunnels", intruder.key()).json()).isEmpty();

        assertThat(api.get(path, owner.key()).json().path("localTarget").asText()).isEqualTo("127.0.0.1:22");
    }

    @Test
    void tunnelsCannotBeCreatedForAnotherUser() {
        assertProblem(api.call("POST", "/api/v1/tunnels", intruder.key(), "{\"ownerId\": " + owner.user().id()
                + ", \"name\": \"planted\", \"type\": \"tcp\", \"remotePort\": 4101, \"localTarget\": \"127.0.0.1:22\"}"),
                403);
        assertThat(api.get("/api/v1/tunnels", owner.key()).json().findValuesAsText("name")).containsExactly("private");
    }

    @Test
    void anotherUsersTokensAreForbiddenToListIssueOrRevoke() {
        String tokens = "/api/v1/users/" + owner.user().id() + "/tokens";
        assertProblem(api.get(tokens, intruder.key()), 403);
        assertProblem(api.call("POST", tokens, intruder.key(), null), 403);
        assertProblem(api.call("DELETE", "/api/v1/tokens/" + tokenId, intruder.key(), null), 403);
        assertThat(api.get(tokens, owner.key()).json()).hasSize(1);
        assertThat(api.get(tokens, owner.key()).json().get(0).path("revoked").isNull()).isTrue();
    }

    @Test
    void anotherUsersSessionsAndUserRecordAreForbidden() {
        assertThat(api.get("/api/v1/sessions", intruder.key()).json()).isEmpty();
        assertProblem(api.call("DELETE", "/api/v1/sessions/owner-session", intruder.key(), null), 403);
        assertThat(api.live.disconnected).doesNotContain("owner-session");
        assertProblem(api.get("/api/v1/users/" + owner.user().id(), intruder.key()), 403);
        assertProblem(api.get("/api/v1/users/" + owner.user().id() + "/usage", intruder.key()), 403);
    }

    @Test
    void adminOnlyRoutesAreForbiddenToUserKeys() {
        assertProblem(api.get("/api/v1/audit", intruder.key()), 403);
        assertProblem(api.call("POST", "/api/v1/users", intruder.key(), "{\"name\": \"x\"}"), 403);
        assertProblem(api.call("POST", "/api/v1/plans", intruder.key(), "{\"name\": \"x\"}"), 403);
        assertProblem(api.call("PATCH", "/api/v1/users/" + intruder.user().id(), intruder.key(),
                "{\"planId\": null}"), 403);
    }

    @Test
    void adminReachesEveryonesResources() {
        assertThat(api.get("/api/v1/tunnels/" + tunnelId, api.adminKey).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/users/" + owner.user().id() + "/tokens", api.adminKey).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/sessions", api.adminKey).json().findValuesAsText("id")).contains("owner-session");
    }
}
