package dev.portway.server.group;

import java.util.Arrays;
import java.util.Optional;

/** How a load-balancing group picks the member for a new public connection. */
public enum LoadBalance {
    /** Members in turn. */
    ROUND_ROBIN("round-robin"),
    /** The member with the fewest open streams; ties go in turn. */
    LEAST_CONNECTIONS("least-connections");

    public static final LoadBalance DEFAULT = ROUND_ROBIN;

    private final String wireName;

    LoadBalance(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The policy a tunnel names; absent means {@link #DEFAULT}, an unknown name is empty. */
    public static Optional<LoadBalance> parse(String name) {
        if (name == null) {
            return Optional.of(DEFAULT);
        }
        return Arrays.stream(values()).filter(policy -> policy.wireName.equals(name)).findFirst();
    }
}
