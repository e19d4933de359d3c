package dev.portway.storage.usage;

import java.time.Instant;

/** One usage period, {@code [start, end)}: traffic counted in it is counted against one allowance. */
public record UsagePeriod(Instant start, Instant end) {
    public UsagePeriod {
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("a period ends after it starts: " + start + " .. " + end);
        }
    }
}
