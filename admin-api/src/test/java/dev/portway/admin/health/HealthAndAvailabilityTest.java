package dev.portway.admin.health;

import dev.portway.admin.testing.AdminApiFixture;
import dev.portway.admin.testing.AdminApiFixture.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static dev.portway.admin.testing.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Probes, the audit limit, and 503 once the database is gone. Each test owns its fixture: one of them kills it. */
@Timeout(60)
class HealthAndAvailabilityTest {
    @TempDir
    Path dataDir;

    @Test
    void healthAndReadinessNeedNoKeyAndReportTheirParts() {
        try (AdminApiFixture api = new AdminApiFixture(dataDir)) {
            Reply health = api.get("/healthz", null);
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().path("status").asText()).isEqualTo("up");

            Reply ready = api.get("/readyz", null);
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().path("database").asText()).isEqualTo("up");
            assertThat(ready.json().path("listeners").asText()).isEqualTo("bound");

            api.live.listenersBound = false;
            Reply unbound = api.get("/readyz", null);
            assertThat(unbound.status()).isEqualTo(503);
            assertThat(unbound.json().path("listeners").asText()).isEqualTo("unbound");
            assertThat(unbound.json().path("database").asText()).isEqualTo("up");
        }
    }

    @Test
    void auditLimitIsValidated() {
        try (AdminApiFixture api = new AdminApiFixture(dataDir)) {
            for (int i = 0; i < 3; i++) {
                api.call("POST", "/api/v1/users", api.adminKey, "{\"name\": \"u" + i + "\"}");
            }
            assertThat(api.call("GET", "/api/v1/audit", Map.of("limit", "2"), api.adminKey, null).json()).hasSize(2);
            assertThat(api.get("/api/v1/audit", api.adminKey).json()).hasSize(3);
            assertProblem(api.call("GET", "/api/v1/audit", Map.of("limit", "1001"), api.adminKey, null), 422, "limit");
        }
    }

    @Test
    void storageUnavailableIs503AndNotReady() {
        AdminApiFixture api = new AdminApiFixture(dataDir);
        api.close();

        Reply reply = api.get("/api/v1/users", api.adminKey);
        assertProblem(reply, 503);
        assertThat(reply.header("Retry-After")).isEqualTo("5");
        assertThat(api.get("/healthz", null).status()).isEqualTo(200);
        Reply ready = api.get("/readyz", null);
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().path("database").asText()).isEqualTo("down");
    }
}
