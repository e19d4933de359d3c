package dev.portway.storage.plans;

/** What a caller sets on a plan: everything but the id and the timestamps. */
public record PlanDraft(String name, boolean isDefault, PlanLimits limits) {
    public PlanDraft {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name is required");
        }
        if (limits == null) {
            throw new IllegalArgumentException("limits are required");
        }
    }
}
