package dev.portway.server.acme;

import org.shredzone.acme4j.exception.AcmeRateLimitedException;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * When each domain whose orders (or probes) failed may be tried again: {@code first} after the first failure, twice as
 * long after each further one, at most {@code cap}; when the CA answered with a rate limit, not before its
 * Retry-After, however long that is. A success forgets the domain.
 *
 * <p>Threading: the ACME thread only.
 */
final class OrderBackoff {
    /** How long one domain waits after its failures in a row. */
    record Policy(Duration first, Duration cap) {
        Duration after(int failures) {
            Duration delay = first.multipliedBy(1L << Math.min(failures - 1, 30));
            return delay.compareTo(cap) <= 0 && !delay.isNegative() ? delay : cap;
        }
    }

    /** The failures in a row of one domain and the earliest next try. */
    record Failing(int failures, Instant until) {
    }

    private final Map<String, Failing> failing = new HashMap<>();

    /** Counts a failure of {@code domain} at {@code now}; returns its failures in a row and its next try. */
    Failing failed(String domain, Policy policy, Exception cause, Instant now) {
        int failures = failing.containsKey(domain) ? failing.get(domain).failures() + 1 : 1;
        Instant until = now.plus(policy.after(failures));
        if (cause instanceof AcmeRateLimitedException limited && limited.getRetryAfter().isPresent()) {
            until = limited.getRetryAfter().get();
        }
        Failing state = new Failing(failures, until);
        failing.put(domain, state);
        return state;
    }

    /** Empty when {@code domain} may be tried now. */
    Optional<Instant> waitingUntil(String domain, Instant now) {
        Failing state = failing.get(domain);
        return state == null || !now.isBefore(state.until()) ? Optional.empty() : Optional.of(state.until());
    }

    Optional<Failing> state(String domain) {
        return Optional.ofNullable(failing.get(domain));
    }

    void succeeded(String domain) {
        failing.remove(domain);
    }
}
