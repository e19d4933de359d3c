package dev.portway.admin.usage;

import dev.portway.admin.http.Json;
import dev.portway.admin.plans.PlanViews.LimitsView;
import dev.portway.storage.plans.Plan;
import dev.portway.storage.usage.QuotaStanding;
import dev.portway.storage.usage.UsageMeter;

/**
 * A user's traffic in the current usage period against the plan in force.
 *
 * @param used      bytes in + out in the period, stored and not yet stored on this node
 * @param allowance the plan's monthly traffic; null: unlimited
 * @param share     {@code used / allowance}; 0 when unlimited
 * @param state     {@code ok}, {@code warning}, {@code suspended}, {@code throttled} or {@code expired}
 * @param reason    what a locked-out client is told; null when not locked out
 * @param liftsAt   when a suspension ends by itself (the next period); null otherwise
 * @param plan      the user's plan or the default plan; null when neither exists
 * @param limits    what the plan in force allows; every limit null without a plan
 */
public record UsageView(PeriodView period, long used, Long allowance, double share, String state, String reason,
                        String liftsAt, PlanRef plan, LimitsView limits) {
    /** {@code [start, end)}. */
    public record PeriodView(String start, String end) {
    }

    public record PlanRef(long id, String name) {
    }

    public static UsageView of(UsageMeter.Reading reading) {
        QuotaStanding standing = reading.standing();
        Plan plan = reading.user().plan();
        return new UsageView(new PeriodView(Json.time(standing.period().start()), Json.time(standing.period().end())),
                standing.used(), standing.allowance(), standing.share(), standing.state().wireName(),
                standing.reason(), Json.time(standing.liftsAt()), plan == null ? null : new PlanRef(plan.id(),
                plan.name()), LimitsView.of(reading.user().limits()));
    }
}
