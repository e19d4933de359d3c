package dev.portway.storage.plans;

import java.time.Instant;

/** A row of {@code plans}. At most one plan is the default, which applies to users without a plan. */
public record Plan(long id, String name, boolean isDefault, PlanLimits limits, Instant created, Instant updated) {
}
