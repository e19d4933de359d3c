package dev.portway.server.plans;

import dev.portway.monitor.QuotaEvent;
import dev.portway.monitor.TunnelMetrics;
import dev.portway.monitor.events.EventJournal;
import dev.portway.monitor.events.EventPayload;
import dev.portway.server.control.ClientSession;
import dev.portway.server.control.SessionRegistry;
import dev.portway.storage.change.ChangeBus;
import dev.portway.storage.change.ChangeEvent;
import dev.portway.storage.change.ChangeKind;
import dev.portway.storage.usage.QuotaStanding;
import dev.portway.storage.usage.QuotaState;
import dev.portway.storage.usage.UsageMeter;
import dev.portway.storage.usage.UsageRepository;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reads the usage of every stored user connected to this node, every {@code checkInterval} and at once when a user
 * or plan changes on any node, and acts on what it finds: new terms for the user's tunnels (a throttling plan's
 * floor), a warning at the plan's share, and at a lock-out (allowance used under a suspending plan, or expiry) the
 * user's clients disconnected with the reason. Each warning and exhaustion is counted for the alert rules and
 * published on the event stream once per usage period, by the node whose note of it in storage came first.
 *
 * <p>Threading: checks run on the given scheduler and complete on storage threads; nothing here blocks an event loop.
 */
public final class QuotaWatch {
    private static final Logger log = LoggerFactory.getLogger(QuotaWatch.class);

    private final UserAccounts accounts;
    private final UsageMeter meter;
    private final UsageRepository usage;
    private final SessionRegistry registry;
    private final TunnelMetrics metrics;
    private final EventJournal journal;
    /** Notices known to be noted; a month of them for the users seen, bounded. */
    private final Cache<Notice, Boolean> noted = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofDays(32)).build();
    private ScheduledExecutorService scheduler;
    private Duration interval;

    public QuotaWatch(UserAccounts accounts, UsageMeter meter, UsageRepository usage, SessionRegistry registry,
                      TunnelMetrics metrics, EventJournal journal) {
        this.accounts = accounts;
        this.meter = meter;
        this.usage = usage;
        this.registry = registry;
        this.metrics = metrics;
        this.journal = journal;
    }

    /**
     * Checks every {@code interval} after the previous round completed (a slow database gets no second round
     * queued behind the first), and at once on a change.
     */
    public void start(ScheduledExecutorService scheduler, Duration interval, ChangeBus changes) {
        this.scheduler = scheduler;
        this.interval = interval;
        scheduleRound();
        changes.subscribe(this::onChange);
    }

    private void scheduleRound() {
        try {
            scheduler.schedule(() -> checkAll().whenComplete((done, error) -> scheduleRound()),
                    interval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // the server is stopping
        }
    }

    private void onChange(ChangeEvent event) {
        try {
            if (event.kind() == ChangeKind.USER) {
                long userId = Long.parseLong(event.key());
                scheduler.execute(() -> check(userId, registry.storedUsers()));
            } else if (event.kind() == ChangeKind.PLAN || event.kind() == ChangeKind.ALL) {
                scheduler.execute(this::checkAll);
            }
        } catch (NumberFormatException e) {
            log.debug("ignoring user change with key {}", event.key());
        } catch (RejectedExecutionException stopped) {
            // the server is stopping
        }
    }

    /** Completes when every user's check has; never fails. */
    private CompletableFuture<Void> checkAll() {
        try {
            Set<Long> connected = registry.storedUsers();
            List<CompletableFuture<Void>> checks = new ArrayList<>();
            for (long userId : accounts.users()) {
                checks.add(check(userId, connected));
            }
            return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                    .exceptionally(error -> null);
        } catch (RuntimeException e) {
            log.error("quota check failed", e);
            return CompletableFuture.completedFuture(null);
        }
    }

    private CompletableFuture<Void> check(long userId, Set<Long> connected) {
        if (!connected.contains(userId)) {
            accounts.forgetIdle(userId);
            return CompletableFuture.completedFuture(null);
        }
        return meter.read(userId).handle((reading, error) -> {
            if (error != null) {
                log.debug("[user={}] usage unavailable, terms unchanged: {}", userId, error.getMessage());
            } else if (reading.isPresent()) {
                act(reading.get());
            }
            return null;
        });
    }

    private void act(UsageMeter.Reading reading) {
        QuotaStanding standing = accounts.apply(reading);
        String user = reading.user().userName();
        long userId = reading.user().userId();
        Instant periodStart = standing.period().start();
        if (standing.allowance() != null && standing.state() != QuotaState.OK
                && standing.state() != QuotaState.EXPIRED) {
            notice(userId, periodStart, "warning", () -> {
                metrics.quotaEvent(QuotaEvent.TRAFFIC_NEARLY_USED);
                publish(new EventPayload.Quota("warning", user, standing.used(), standing.allowance(),
                        standing.period().end().toString(), null));
                log.info("[user={}] used {} of its {} monthly traffic allowance", user,
                        QuotaStanding.bytes(standing.used()), QuotaStanding.bytes(standing.allowance()));
            });
        }
        if (standing.state() == QuotaState.SUSPENDED || standing.state() == QuotaState.THROTTLED) {
            notice(userId, periodStart, "exceeded", () -> {
                metrics.quotaEvent(QuotaEvent.TRAFFIC_EXCEEDED);
                if (standing.state() == QuotaState.THROTTLED) {
                    metrics.quotaEvent(QuotaEvent.BANDWIDTH_THROTTLED);
                }
                publish(new EventPayload.Quota(standing.state().wireName(), user, standing.used(),
                        standing.allowance(), standing.period().end().toString(), standing.reason()));
                log.warn("[user={}] monthly traffic allowance used ({} of {}): {}", user,
                        QuotaStanding.bytes(standing.used()), QuotaStanding.bytes(standing.allowance()),
                        standing.state() == QuotaState.THROTTLED ? "throttled to the plan's floor" : "suspended");
            });
        }
        if (standing.state() == QuotaState.EXPIRED) {
            notice(userId, reading.user().expiresAt(), "expired", () -> {
                publish(new EventPayload.Quota("expired", user, standing.used(), standing.allowance(), null,
                        standing.reason()));
                log.warn("[user={}] {}", user, standing.reason());
            });
        }
        if (standing.state().locksOut()) {
            for (ClientSession session : registry.ofUser(userId)) {
                session.disconnect(standing.reason());
            }
        }
    }

    /**
     * Runs {@code first} when this node is the first to note {@code kind} for the user in this period. A notice
     * noted once (by any node) is remembered here, so a user who stays past its warning costs no write per round.
     */
    private void notice(long userId, Instant periodStart, String kind, Runnable first) {
        Notice notice = new Notice(userId, periodStart, kind);
        if (noted.getIfPresent(notice) != null) {
            return;
        }
        usage.firstNotice(userId, periodStart, kind).whenComplete((isFirst, error) -> {
            if (error != null) {
                log.debug("[user={}] cannot note {}: {}", userId, kind, error.getMessage());
                return;
            }
            noted.put(notice, Boolean.TRUE);
            if (isFirst) {
                first.run();
            }
        });
    }

    private record Notice(long userId, Instant periodStart, String kind) {
    }

    private void publish(EventPayload payload) {
        if (journal != null) {
            journal.publish(payload);
        }
    }
}
