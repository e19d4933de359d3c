package dev.portway.storage.usage;

import dev.portway.storage.plans.AtLimit;
import dev.portway.storage.plans.PlanLimits;
import dev.portway.storage.plans.UserPlan;

import java.time.Instant;
import java.util.Locale;

/**
 * One user's standing against its plan at one moment: the period, what was used in it, and what follows.
 *
 * @param allowance the plan's monthly traffic; null: unlimited
 * @param liftsAt   when a {@link QuotaState#SUSPENDED} standing ends by itself (the next period); null otherwise
 * @param reason    what a client shows when locked out, null when it is not
 */
public record QuotaStanding(QuotaState state, UsagePeriod period, long used, Long allowance, Instant liftsAt,
                            String reason) {

    /** Judges {@code used} bytes in the current period against the plan and expiry of {@code user}. */
    public static QuotaStanding assess(UserPlan user, long used, UsagePeriods periods, Instant now) {
        UsagePeriod period = periods.at(now, user.planSince());
        PlanLimits limits = user.limits();
        Long allowance = limits.monthlyTraffic();
        if (user.expired(now)) {
            return new QuotaStanding(QuotaState.EXPIRED, period, used, allowance, null,
                    "expired: access ended " + periods.localDay(user.expiresAt()));
        }
        if (allowance == null) {
            return new QuotaStanding(QuotaState.OK, period, used, null, null, null);
        }
        if (used >= allowance) {
            if (limits.atLimit() == AtLimit.THROTTLE) {
                return new QuotaStanding(QuotaState.THROTTLED, period, used, allowance, null, null);
            }
            return new QuotaStanding(QuotaState.SUSPENDED, period, used, allowance, period.end(),
                    "monthly traffic allowance used: " + bytes(used) + " of " + bytes(allowance) + "; resets "
                            + periods.localDay(period.end()));
        }
        if (used >= limits.warningShare() * allowance) {
            return new QuotaStanding(QuotaState.WARNING, period, used, allowance, null, null);
        }
        return new QuotaStanding(QuotaState.OK, period, used, allowance, null, null);
    }

    /** Share of the allowance used: 0 when unlimited, 1 for an allowance of nothing. */
    public double share() {
        if (allowance == null) {
            return 0;
        }
        return allowance == 0 ? 1 : (double) used / allowance;
    }

    /** Decimal units, as traffic is sold: {@code 10.0 GB}. */
    public static String bytes(long count) {
        if (count < 1000) {
            return count + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB", "EB"};
        double value = count;
        int unit = -1;
        // 999.95 and up would print as "1000.0" of the smaller unit
        while (value >= 999.95 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
