package dev.portway.storage.usage;

import dev.portway.storage.plans.PlanRepository;
import dev.portway.storage.plans.UserPlan;
import dev.portway.storage.traffic.TrafficCounter;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A user's standing against its plan: the plan in force, and the traffic of the current period as every node stored
 * it plus what this node counted and has not stored yet. Another node's unstored counts arrive with its next flush,
 * so usage is global within one flush interval.
 */
public final class UsageMeter {
    /** Readings raced by a flush are taken again this often at most; flushes are seconds apart. */
    private static final int ATTEMPTS = 3;

    private final PlanRepository plans;
    private final UsageRepository usage;
    private final TrafficCounter counter;
    private final UsagePeriods periods;
    private final Clock clock;

    public UsageMeter(PlanRepository plans, UsageRepository usage, TrafficCounter counter, UsagePeriods periods,
                      Clock clock) {
        this.plans = plans;
        this.usage = usage;
        this.counter = counter;
        this.periods = periods;
        this.clock = clock;
    }

    /** Empty when no such user exists. */
    public CompletableFuture<Optional<Reading>> read(long userId) {
        return plans.forUser(userId).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            UserPlan user = found.get();
            // One instant for both: read twice, a period boundary between the reads would judge the old period's
            // traffic against the new one.
            Instant now = clock.instant();
            UsagePeriod period = periods.at(now, user.planSince());
            return used(userId, period.start(), ATTEMPTS).thenApply(used -> Optional.of(new Reading(user,
                    QuotaStanding.assess(user, used, periods, now))));
        });
    }

    /**
     * Stored plus unflushed bytes, each byte once: the batch waiting to be stored is left out when the same
     * snapshot of the database holds it, and when a new batch was made while the database was read (its bytes may
     * be in both), the reading is taken again; after {@code attempts} the last one stands.
     */
    private CompletableFuture<Long> used(long userId, Instant since, int attempts) {
        TrafficCounter.Unflushed here = counter.unflushed(userId, since);
        return usage.bytesSince(userId, since, here.batch()).thenCompose(stored -> {
            long used = stored.bytes() + here.counting() + (stored.batchStored() ? 0 : here.inBatch());
            if (counter.drains() == here.drains() || attempts <= 1) {
                return CompletableFuture.completedFuture(used);
            }
            return used(userId, since, attempts - 1);
        });
    }

    /** The plan in force and the standing against it. */
    public record Reading(UserPlan user, QuotaStanding standing) {
    }
}
