package dev.portway.storage.plans;

import java.time.Instant;

/**
 * The plan in force for one user.
 *
 * @param plan      the user's plan, or the default plan; null when neither exists (nothing is limited)
 * @param planSince when the user got its plan, the anchor of a usage period that runs from the subscription day
 * @param expiresAt when the user's access ends; null: never
 */
public record UserPlan(long userId, String userName, Plan plan, Instant planSince, Instant expiresAt) {
    public PlanLimits limits() {
        return plan == null ? PlanLimits.UNLIMITED : plan.limits();
    }

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
