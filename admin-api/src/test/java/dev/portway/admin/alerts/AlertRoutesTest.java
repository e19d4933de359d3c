package dev.portway.admin.alerts;

import dev.portway.admin.testing.AdminApiFixture.Reply;
import dev.portway.admin.testing.SharedAdminApi;
import dev.portway.monitor.alerts.FiringAlert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.portway.admin.testing.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class AlertRoutesTest extends SharedAdminApi {
    @AfterEach
    void noneFiring() {
        api.live.alerts = List.of();
    }

    @Test
    void anAdminSeesWhatFiresAndAUserKeyIsRefused() {
        api.live.alerts = List.of(new FiringAlert("PortwayClientOffline", "warning", Map.of("client", "nas"),
                "client nas is offline", Instant.parse("2026-12-06T01:02:03Z")));

        Reply listed = api.get("/api/v1/alerts", api.adminKey);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json()).singleElement().satisfies(alert -> {
            assertThat(alert.path("alert").asText()).isEqualTo("PortwayClientOffline");
            assertThat(alert.path("severity").asText()).isEqualTo("warning");
            assertThat(alert.path("labels").path("client").asText()).isEqualTo("nas");
            assertThat(alert.path("summary").asText()).isEqualTo("client nas is offline");
            assertThat(alert.path("since").asText()).isEqualTo("2026-12-06T01:02:03Z");
        });
        assertProblem(api.get("/api/v1/alerts", api.account("pia").key()), 403);
    }
}
