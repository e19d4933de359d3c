package dev.portway.server.plans;

import dev.portway.protocol.relay.Bandwidth;
import dev.portway.server.auth.Principal;
import dev.portway.server.config.LimitsConfig;
import dev.portway.server.limits.ConnectionCap;
import dev.portway.storage.plans.PlanLimits;
import dev.portway.storage.plans.UserPlan;
import dev.portway.storage.usage.QuotaStanding;
import dev.portway.storage.usage.QuotaState;
import dev.portway.storage.usage.UsageMeter;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plans of the users connected to this node: what each may use ({@link UserTerms}), kept current as plans,
 * users and usage change, and shared by everything that enforces a limit: registration, the public listeners'
 * connection caps and bandwidth throttles. Those hold an {@link Account} and read its terms on each use, so a plan
 * changed through the admin API applies to open tunnels and connections without reconnecting anyone.
 *
 * <p>A user of a static token ({@code auth.tokens}) has no row and gets the server's {@code limits}, nothing more.
 * Without a database every user is such a user.
 *
 * <p>Threading: any thread.
 */
public final class UserAccounts {
    private static final Logger log = LoggerFactory.getLogger(UserAccounts.class);
    /**
     * Longer than an http tunnel waits for its client (60 s): a client that comes back in time takes its tunnels
     * over, and they must still follow the account that plan changes update.
     */
    private static final Duration IDLE_GRACE = Duration.ofMinutes(2);

    /** {@code limits} of server.yaml; a reload replaces it ({@link #replaceServerLimits}). */
    private volatile LimitsConfig server;
    /** Null without a database. */
    private final UsageMeter meter;
    private final Duration retryAfter;
    private final Account unstored;
    private final Map<Long, Account> accounts = new ConcurrentHashMap<>();
    /** Users last seen locked out, with the refusal: kept when the database cannot be read. */
    private final Cache<Long, Admission> lockouts = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofDays(1)).build();

    /**
     * @param meter      reads stored users' plans and usage; null without a database
     * @param retryAfter how soon a client refused for its plan asks again
     */
    public UserAccounts(LimitsConfig server, UsageMeter meter, Duration retryAfter) {
        this.server = server;
        this.meter = meter;
        this.retryAfter = retryAfter;
        this.unstored = new Account(Principal.NOT_STORED, UserTerms.of(server));
    }

    /**
     * The server's limits from now on. Users without a stored row (static tokens) take them at once; stored users at
     * their next usage reading ({@code quotas.checkInterval}), which derives their terms from plan and server anew.
     */
    public void replaceServerLimits(LimitsConfig limits) {
        server = limits;
        unstored.terms = UserTerms.of(limits);
    }

    /** The server's limits as they are now. */
    public LimitsConfig serverLimits() {
        return server;
    }

    /** Without a database: every user has the server's limits. */
    public static UserAccounts serverLimitsOnly(LimitsConfig server) {
        return new UserAccounts(server, null, Duration.ZERO);
    }

    /**
     * Reads the user's plan and standing; completes with a refusal when its plan locks it out (allowance used under
     * a suspending plan, or expired). When the database cannot say, a user this node last saw locked out stays
     * out, and any other is let in under the terms last known (the server's limits for a user not seen yet): an
     * outage must neither lock every user out nor let a suspended one back in.
     */
    public CompletionStage<Admission> admit(Principal user) {
        if (meter == null || user.userId() == Principal.NOT_STORED) {
            return CompletableFuture.completedFuture(Admission.ADMITTED);
        }
        return meter.read(user.userId()).handle((reading, error) -> {
            if (error != null) {
                Admission known = lockouts.getIfPresent(user.userId());
                log.warn("[user={}] plan and usage unavailable, {}: {}", user.user(),
                        known == null ? "admitting under the terms last known" : "still locked out", error.getMessage());
                return known == null ? Admission.ADMITTED : known;
            }
            if (reading.isEmpty()) {
                return Admission.ADMITTED;
            }
            apply(reading.get());
            Admission lockout = lockouts.getIfPresent(user.userId());
            return lockout == null ? Admission.ADMITTED : lockout;
        });
    }

    /** Stores what a reading says of its user and returns the standing. */
    QuotaStanding apply(UsageMeter.Reading reading) {
        UserPlan plan = reading.user();
        QuotaStanding standing = reading.standing();
        UserTerms terms = termsOf(plan, standing);
        accounts.compute(plan.userId(), (id, account) -> {
            Account kept = account == null ? new Account(id, terms) : account;
            kept.terms = terms;
            kept.seenNanos = System.nanoTime();
            return kept;
        });
        if (standing.state().locksOut()) {
            lockouts.put(plan.userId(), new Admission(standing.reason(), standing.liftsAt(), retryAfter));
        } else {
            lockouts.invalidate(plan.userId());
        }
        return standing;
    }

    private UserTerms termsOf(UserPlan user, QuotaStanding standing) {
        PlanLimits limits = user.limits();
        return UserTerms.of(limits, user.plan() == null ? null : user.plan().name(), server,
                standing.state() == QuotaState.THROTTLED);
    }

    /** The account of a user; the server's limits for a user not admitted here (or a static token's). */
    public Account account(Principal user) {
        if (user.userId() == Principal.NOT_STORED) {
            return unstored;
        }
        return accounts.computeIfAbsent(user.userId(), id -> new Account(id, UserTerms.of(server)));
    }

    public UserTerms terms(Principal user) {
        return account(user).terms;
    }

    /** Connections all tunnels of {@code user} may carry at once. */
    public int connectionsPerUser(Principal user) {
        return account(user).terms.connectionsPerUser();
    }

    /** The stored users with an account here, whose usage the watch reads. */
    Set<Long> users() {
        return Set.copyOf(accounts.keySet());
    }

    /** Forgets a user whose last client on this node left; tunnels still holding its account keep its terms. */
    /**
     * Forgets a user with no client on this node, unless it was admitted or checked within {@link #IDLE_GRACE}: its
     * first client may be admitted and not yet registered as a session, or its client may be coming back.
     */
    void forgetIdle(long userId) {
        accounts.computeIfPresent(userId, (id, account) ->
                System.nanoTime() - account.seenNanos > IDLE_GRACE.toNanos() ? null : account);
    }

    /** One user's terms on this node, and the bandwidth all its tunnels share. */
    public static final class Account {
        private final long userId;
        private volatile UserTerms terms;
        private volatile long seenNanos = System.nanoTime();
        private final Bandwidth bandwidth;

        Account(long userId, UserTerms terms) {
            this.userId = userId;
            this.terms = terms;
            this.bandwidth = Bandwidth.following(() -> this.terms.bandwidthPerUser());
        }

        public UserTerms terms() {
            return terms;
        }

        /** The user's bandwidth, shared by every connection of all its tunnels on this node. */
        public Bandwidth bandwidth() {
            return bandwidth;
        }

        /** A new tunnel's own bandwidth, following the user's plan. */
        public Bandwidth tunnelBandwidth() {
            return Bandwidth.following(() -> terms.bandwidthPerTunnel());
        }

        /**
         * A new tunnel's connection cap: the tighter of what its client asked ({@code maxConnections}, 0: none) and
         * the user's plan, as the plan is when a connection arrives.
         */
        public ConnectionCap tunnelCap(int requested) {
            return ConnectionCap.following(() -> tighter(requested, terms.connectionsPerTunnel()));
        }

        private static int tighter(int a, int b) {
            return a <= 0 ? b : b <= 0 ? a : Math.min(a, b);
        }

        long userId() {
            return userId;
        }
    }
}
