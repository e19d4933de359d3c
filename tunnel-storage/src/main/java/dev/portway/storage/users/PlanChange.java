package dev.portway.storage.users;

import java.time.Instant;

/**
 * A change to a user's plan or expiry; what is not set stays as it is.
 *
 * @param planId    the new plan, or null for the default plan (when {@code setsPlan})
 * @param expiresAt the new expiry, or null for never (when {@code setsExpiry})
 */
public record PlanChange(boolean setsPlan, Long planId, boolean setsExpiry, Instant expiresAt) {
    public static PlanChange plan(Long planId) {
        return new PlanChange(true, planId, false, null);
    }

    public static PlanChange expiry(Instant expiresAt) {
        return new PlanChange(false, null, true, expiresAt);
    }
}
