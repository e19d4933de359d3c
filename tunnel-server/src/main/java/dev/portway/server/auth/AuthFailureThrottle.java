package dev.portway.server.auth;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Slows down repeated authentication failures from one address: after a few free attempts each refusal is held
 * back for a delay that doubles with every further failure, up to a cap. Failures are forgotten after a quiet
 * period, and a success clears them. Memory is bounded: the table is cleared when it grows past its limit, which
 * at worst forgives some offenders early.
 */
public final class AuthFailureThrottle {
    private static final int FREE_ATTEMPTS = 3;
    private static final long BASE_DELAY_MILLIS = 500;
    private static final long MAX_DELAY_MILLIS = 30_000;
    private static final long FORGET_AFTER_NANOS = Duration.ofMinutes(10).toNanos();
    private static final int MAX_TRACKED_ADDRESSES = 100_000;

    private record Failures(int count, long lastNanos) {
    }

    private final ConcurrentMap<InetAddress, Failures> failures = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    public AuthFailureThrottle() {
        this(System::nanoTime);
    }

    AuthFailureThrottle(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Records a failure and returns how long to hold back the refusal. */
    public Duration recordFailure(InetAddress address) {
        if (failures.size() >= MAX_TRACKED_ADDRESSES) {
            failures.clear();
        }
        long now = nanoClock.getAsLong();
        Failures updated = failures.merge(address, new Failures(1, now), (old, one) ->
                now - old.lastNanos() > FORGET_AFTER_NANOS ? one : new Failures(old.count() + 1, now));
        int excess = updated.count() - FREE_ATTEMPTS;
        if (excess <= 0) {
            return Duration.ZERO;
        }
        long delay = BASE_DELAY_MILLIS << Math.min(excess - 1, 16);
        return Duration.ofMillis(Math.min(delay, MAX_DELAY_MILLIS));
    }

    public void recordSuccess(InetAddress address) {
        failures.remove(address);
    }
}
