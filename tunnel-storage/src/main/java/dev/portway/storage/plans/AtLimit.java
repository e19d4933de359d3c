package dev.portway.storage.plans;

/** What happens to a user whose traffic allowance is used up, until the next period or a plan change. */
public enum AtLimit {
    /** The user's clients are disconnected and refused, with the reason and when it lifts. */
    SUSPEND("suspend"),
    /** The user's tunnels carry on at the plan's floor bandwidth. */
    THROTTLE("throttle");

    private final String wireName;

    AtLimit(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static AtLimit fromWireName(String name) {
        for (AtLimit value : values()) {
            if (value.wireName.equals(name)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown at-limit action: " + name);
    }
}
