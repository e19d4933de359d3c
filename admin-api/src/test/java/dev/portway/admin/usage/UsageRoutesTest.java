package dev.portway.admin.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.admin.testing.AdminApiFixture.Account;
import dev.portway.admin.testing.SharedAdminApi;
import dev.portway.storage.usage.UsagePeriod;
import dev.portway.storage.usage.UsagePeriods;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;

import static dev.portway.admin.testing.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** A user's usage: the period, the bytes, the plan in force and the standing; the owner's and the admins' to see. */
@Timeout(60)
class UsageRoutesTest extends SharedAdminApi {
    private static String usage(long userId) {
        return "/api/v1/users/" + userId + "/usage";
    }

    private static long plan(String body) {
        return api.call("POST", "/api/v1/plans", api.adminKey, body).json().path("id").asLong();
    }

    @Test
    void withoutAnyPlanNothingIsLimited() {
        Account user = api.account("usage-free");
        JsonNode usage = api.get(usage(user.user().id()), user.key()).json();
        assertThat(usage.path("used").asLong()).isZero();
        assertThat(usage.path("allowance").isNull()).isTrue();
        assertThat(usage.path("share").asDouble()).isZero();
        assertThat(usage.path("state").asText()).isEqualTo("ok");
        assertThat(usage.path("reason").isNull()).isTrue();
        assertThat(usage.path("liftsAt").isNull()).isTrue();
        assertThat(usage.path("plan").isNull()).isTrue();
        assertThat(usage.path("limits").path("monthlyTraffic").isNull()).isTrue();
        assertThat(usage.path("limits").path("tunnelTypes").isNull()).isTrue();
        assertThat(usage.path("limits").path("customDomains").asBoolean()).isTrue();

        UsagePeriod period = UsagePeriods.CALENDAR_UTC.at(Instant.now(), null);
        assertThat(usage.path("period").path("start").asText()).isEqualTo(period.start().toString());
        assertThat(usage.path("period").path("end").asText()).isEqualTo(period.end().toString());
    }

    @Test
    void trafficCountsAgainstThePlanUntilItSuspends() {
        long id = plan("{\"name\": \"tiny\", \"monthlyTraffic\": 10000, \"tunnelsPerUser\": 2,"
                + " \"tunnelTypes\": [\"tcp\"]}");
        Account user = api.account("usage-tiny");
        long userId = user.user().id();
        api.call("PATCH", "/api/v1/users/" + userId, api.adminKey, "{\"planId\": " + id + "}");

        // Counted on this node and not flushed yet: the reading includes it.
        api.storage.trafficCounter().addBytes(1, userId, 5_000, 3_500);
        JsonNode warned = api.get(usage(userId), user.key()).json();
        assertThat(warned.path("used").asLong()).isEqualTo(8_500);
        assertThat(warned.path("allowance").asLong()).isEqualTo(10_000);
        assertThat(warned.path("share").asDouble()).isEqualTo(0.85);
        assertThat(warned.path("state").asText()).isEqualTo("warning");
        assertThat(warned.path("plan").path("id").asLong()).isEqualTo(id);
        assertThat(warned.path("plan").path("name").asText()).isEqualTo("tiny");
        assertThat(warned.path("limits").path("tunnelsPerUser").asInt()).isEqualTo(2);
        assertThat(warned.path("limits").path("tunnelTypes").toString()).isEqualTo("[\"tcp\"]");

        api.storage.trafficCounter().addBytes(1, userId, 2_000, 0);
        JsonNode used = api.get(usage(userId), api.adminKey).json();
        assertThat(used.path("state").asText()).isEqualTo("suspended");
        assertThat(used.path("reason").asText())
                .startsWith("monthly traffic allowance used: 10.5 kB of 10.0 kB; resets ");
        assertThat(used.path("liftsAt").asText()).isEqualTo(used.path("period").path("end").asText());
    }

    @Test
    void anExpiredUserIsLockedOutWithAReason() {
        Account user = api.account("usage-expired");
        api.call("PATCH", "/api/v1/users/" + user.user().id(), api.adminKey,
                "{\"expiresAt\": \"2020-05-01T00:00:00Z\"}");
        JsonNode usage = api.get(usage(user.user().id()), api.adminKey).json();
        assertThat(usage.path("state").asText()).isEqualTo("expired");
        assertThat(usage.path("reason").asText()).isEqualTo("expired: access ended 2020-05-01");
    }

    @Test
    void aUserKeySeesOnlyItsOwnUsage() {
        Account owner = api.account("usage-owner");
        Account other = api.account("usage-other");
        assertProblem(api.get(usage(owner.user().id()), other.key()), 403);
        assertProblem(api.get(usage(999_999), other.key()), 403);
        assertProblem(api.get(usage(999_999), api.adminKey), 404);
        assertThat(api.get(usage(owner.user().id()), api.adminKey).status()).isEqualTo(200);
        assertThat(api.get(usage(owner.user().id()), owner.key()).status()).isEqualTo(200);
        assertProblem(api.get(usage(owner.user().id()), null), 401);
    }
}
