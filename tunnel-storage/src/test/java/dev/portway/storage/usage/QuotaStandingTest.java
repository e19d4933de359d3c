package dev.portway.storage.usage;

import dev.portway.storage.plans.AtLimit;
import dev.portway.storage.plans.Plan;
import dev.portway.storage.plans.PlanLimits;
import dev.portway.storage.plans.UserPlan;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/** A user's standing: ok, warned at the plan's share, suspended or throttled at the allowance, or expired. */
class QuotaStandingTest {
    private static final long TEN_GB = 10_000_000_000L;
    private static final Instant NOW = Instant.parse("2026-12-15T12:00:00Z");
    private static final Instant SINCE = Instant.parse("2026-01-01T00:00:00Z");
    private static final UsagePeriods PERIODS = UsagePeriods.CALENDAR_UTC;

    private static UserPlan on(AtLimit atLimit, Instant expiresAt) {
        PlanLimits limits = new PlanLimits(TEN_GB, atLimit, atLimit == AtLimit.THROTTLE ? 128_000L : null, 0.8,
                null, null, null, null, null, null, null, null, null, true);
        Plan plan = new Plan(1, "ten", false, limits, SINCE, SINCE);
        return new UserPlan(7, "user", plan, SINCE, expiresAt);
    }

    private static QuotaStanding assess(UserPlan user, long used) {
        return QuotaStanding.assess(user, used, PERIODS, NOW);
    }

    @Test
    void belowTheShareIsOkAndFromItAWarning() {
        UserPlan user = on(AtLimit.SUSPEND, null);
        QuotaStanding fresh = assess(user, 0);
        assertThat(fresh.state()).isEqualTo(QuotaState.OK);
        assertThat(fresh.share()).isZero();
        assertThat(fresh.period()).isEqualTo(new UsagePeriod(Instant.parse("2026-12-01T00:00:00Z"),
                Instant.parse("2027-01-01T00:00:00Z")));
        assertThat(assess(user, 7_999_999_999L).state()).isEqualTo(QuotaState.OK);

        QuotaStanding warned = assess(user, 8_000_000_000L);
        assertThat(warned.state()).isEqualTo(QuotaState.WARNING);
        assertThat(warned.share()).isEqualTo(0.8);
        assertThat(warned.reason()).isNull();
        assertThat(warned.liftsAt()).isNull();
        assertThat(warned.state().locksOut()).isFalse();
    }

    @Test
    void theWholeAllowanceSuspendsUntilTheNextPeriodWithAReason() {
        QuotaStanding used = assess(on(AtLimit.SUSPEND, null), TEN_GB);
        assertThat(used.state()).isEqualTo(QuotaState.SUSPENDED);
        assertThat(used.state().locksOut()).isTrue();
        assertThat(used.reason()).isEqualTo("monthly traffic allowance used: 10.0 GB of 10.0 GB; resets 2027-01-01");
        assertThat(used.liftsAt()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(used.allowance()).isEqualTo(TEN_GB);
        assertThat(used.share()).isEqualTo(1.0);

        QuotaStanding berlin = QuotaStanding.assess(on(AtLimit.SUSPEND, null), 12_345_678_901L,
                new UsagePeriods(UsagePeriods.Kind.CALENDAR, ZoneId.of("Europe/Berlin")), NOW);
        assertThat(berlin.reason()).as("the day as people in the zone see it")
                .isEqualTo("monthly traffic allowance used: 12.3 GB of 10.0 GB; resets 2027-01-01");
        assertThat(berlin.liftsAt()).isEqualTo(Instant.parse("2026-12-31T23:00:00Z"));
    }

    @Test
    void aThrottlingPlanThrottlesInsteadAndLocksNoOneOut() {
        QuotaStanding throttled = assess(on(AtLimit.THROTTLE, null), TEN_GB + 1);
        assertThat(throttled.state()).isEqualTo(QuotaState.THROTTLED);
        assertThat(throttled.state().locksOut()).isFalse();
        assertThat(throttled.reason()).isNull();
    }

    @Test
    void anExpiredUserIsLockedOutWhateverItUsed() {
        QuotaStanding expired = assess(on(AtLimit.SUSPEND, Instant.parse("2026-12-10T08:00:00Z")), 0);
        assertThat(expired.state()).isEqualTo(QuotaState.EXPIRED);
        assertThat(expired.state().locksOut()).isTrue();
        assertThat(expired.reason()).isEqualTo("expired: access ended 2026-12-10");
        assertThat(expired.liftsAt()).isNull();
        assertThat(assess(on(AtLimit.SUSPEND, NOW), 0).state()).as("at the instant").isEqualTo(QuotaState.EXPIRED);
        assertThat(assess(on(AtLimit.SUSPEND, NOW.plusSeconds(1)), 0).state()).isEqualTo(QuotaState.OK);
        assertThat(assess(new UserPlan(7, "user", null, SINCE, NOW), 0).state()).as("without a plan too")
                .isEqualTo(QuotaState.EXPIRED);
    }

    @Test
    void withoutAnAllowanceEverythingIsOk() {
        QuotaStanding unlimited = assess(new UserPlan(7, "user", null, SINCE, null), Long.MAX_VALUE / 2);
        assertThat(unlimited.state()).isEqualTo(QuotaState.OK);
        assertThat(unlimited.allowance()).isNull();
        assertThat(unlimited.share()).isZero();
    }

    @Test
    void bytesReadAsTrafficIsSold() {
        assertThat(QuotaStanding.bytes(999)).isEqualTo("999 B");
        assertThat(QuotaStanding.bytes(1000)).isEqualTo("1.0 kB");
        assertThat(QuotaStanding.bytes(1_536_000_000L)).isEqualTo("1.5 GB");
        assertThat(QuotaStanding.bytes(999_950)).as("not 1000.0 kB").isEqualTo("1.0 MB");
        assertThat(QuotaStanding.bytes(TEN_GB)).isEqualTo("10.0 GB");
    }
}
