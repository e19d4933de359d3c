package dev.portway.client.health;

/**
 * Whether one tunnel is healthy, from the results of its checks: it starts healthy, goes down after
 * {@code failures} failures in a row, and comes back with the first check that passes. Not thread-safe: one
 * tunnel's checks run one after another.
 */
public final class HealthState {
    /** What a check result changed. */
    public enum Transition {
        NONE,
        DOWN,
        UP
    }

    private final int failures;
    private int failedInRow;
    private boolean healthy = true;

    public HealthState(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1: " + failures);
        }
        this.failures = failures;
    }

    public Transition record(boolean passed) {
        if (passed) {
            failedInRow = 0;
            if (!healthy) {
                healthy = true;
                return Transition.UP;
            }
            return Transition.NONE;
        }
        failedInRow++;
        if (healthy && failedInRow >= failures) {
            healthy = false;
            return Transition.DOWN;
        }
        return Transition.NONE;
    }

    public boolean healthy() {
        return healthy;
    }

    public int failedInRow() {
        return failedInRow;
    }
}
