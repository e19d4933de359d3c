package dev.portway.server.limits;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Lets a few lines of one kind through per time window and counts the rest, so a peer that repeats a refused request
 * cannot turn each attempt into a log line. The next line let through says how many were held back.
 *
 * <p>Threading: any thread; synchronized, as refusals are rare next to the traffic.
 */
public final class LogLimiter {
    private final int permits;
    private final long windowNanos;
    private final LongSupplier clock;
    private long windowStart;
    private int used;
    private long suppressed;

    public LogLimiter(int permits, long window, TimeUnit unit) {
        this(permits, unit.toNanos(window), System::nanoTime);
    }

    LogLimiter(int permits, long windowNanos, LongSupplier clock) {
        this.permits = permits;
        this.windowNanos = windowNanos;
        this.clock = clock;
        this.windowStart = clock.getAsLong();
    }

    /**
     * @return -1 when this line must be dropped; otherwise the number of lines dropped since the last one let
     *         through (usually 0), for the caller to mention
     */
    public synchronized long acquire() {
        long now = clock.getAsLong();
        if (now - windowStart >= windowNanos) {
            windowStart = now;
            used = 0;
        }
        if (used >= permits) {
            suppressed++;
            return -1;
        }
        used++;
        long dropped = suppressed;
        suppressed = 0;
        return dropped;
    }
}
