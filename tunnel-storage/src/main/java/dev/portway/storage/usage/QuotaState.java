package dev.portway.storage.usage;

/** Where a user stands against its plan. */
public enum QuotaState {
    /** Below the warning share, or no allowance. */
    OK("ok"),
    /** At or past the warning share of the allowance. */
    WARNING("warning"),
    /** Allowance used, the plan suspends: clients are disconnected and refused until the period ends. */
    SUSPENDED("suspended"),
    /** Allowance used, the plan throttles: tunnels carry on at the plan's floor bandwidth. */
    THROTTLED("throttled"),
    /** The user's access ended ({@code expires_at} passed). */
    EXPIRED("expired");

    private final String wireName;

    QuotaState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether the user's clients may not connect. */
    public boolean locksOut() {
        return this == SUSPENDED || this == EXPIRED;
    }
}
