package dev.portway.admin.nodes;

import dev.portway.admin.testing.AdminApiFixture.Account;
import dev.portway.admin.testing.AdminApiFixture.Reply;
import dev.portway.admin.testing.SharedAdminApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static dev.portway.admin.testing.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class NodeRoutesTest extends SharedAdminApi {
    @Test
    void anAdminListsTheNodesOfTheClusterAndAUserKeyMayNot() throws Exception {
        assertThat(api.storage.nodes().join("node-a", "10.0.0.1:7001",
                "digest".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS))
                .isEmpty();
        try {
            Reply nodes = api.get("/api/v1/nodes", api.adminKey);
            assertThat(nodes.status()).isEqualTo(200);
            assertThat(nodes.json().get(0).path("name").asText()).isEqualTo("node-a");
            assertThat(nodes.json().get(0).path("advertise").asText()).isEqualTo("10.0.0.1:7001");
            assertThat(nodes.json().get(0).path("state").asText()).isEqualTo("up");
            assertThat(nodes.json().get(0).path("lastHeartbeat").asText()).isNotEmpty();
            Account user = api.account("nodes-user");
            assertProblem(api.get("/api/v1/nodes", user.key()), 403);
        } finally {
            api.storage.nodes().leave("node-a").get(20, TimeUnit.SECONDS);
        }
    }
}
