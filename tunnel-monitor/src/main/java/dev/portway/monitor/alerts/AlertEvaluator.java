package dev.portway.monitor.alerts;

import dev.portway.monitor.MeterReadings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs every rule against the meters' in-memory state and hands each firing or resolved transition to every
 * notifier. Scheduled at a fixed interval on a thread of its own (never an event loop); a rule that throws is logged
 * and skipped for that round, the others still run.
 *
 * <p>Logs: a transition is alert lifecycle, logged once (WARN firing, INFO resolved); nothing per evaluation.
 */
public final class AlertEvaluator implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(AlertEvaluator.class);

    private final MeterReadings readings;
    private final List<AlertTracker> trackers;
    private final List<Notifier> notifiers;
    private final Clock clock;
    private volatile List<FiringAlert> firing = List.of();

    public AlertEvaluator(MeterReadings readings, List<AlertRule> rules, List<Notifier> notifiers, Clock clock) {
        this.readings = readings;
        this.trackers = rules.stream().map(AlertTracker::new).toList();
        this.notifiers = List.copyOf(notifiers);
        this.clock = clock;
    }

    @Override
    public void run() {
        Instant now = clock.instant();
        List<FiringAlert> nowFiring = new ArrayList<>();
        for (AlertTracker tracker : trackers) {
            List<AlertNotification> transitions;
            try {
                transitions = tracker.update(tracker.rule().evaluate(readings, now), now);
            } catch (RuntimeException e) {
                log.error("[alert={}] evaluation failed", tracker.rule().name(), e);
                nowFiring.addAll(tracker.firing());
                continue;
            }
            transitions.forEach(this::announce);
            nowFiring.addAll(tracker.firing());
        }
        nowFiring.sort(Comparator.comparing(FiringAlert::since));
        firing = List.copyOf(nowFiring);
    }

    /** What fired at the last evaluation, oldest first; read from any thread. */
    public List<FiringAlert> firing() {
        return firing;
    }

    private void announce(AlertNotification notification) {
        if (notification.state() == AlertState.FIRING) {
            log.warn("[alert={}] firing {}: {}", notification.alert(), notification.labels(), notification.summary());
        } else {
            log.info("[alert={}] resolved {}", notification.alert(), notification.labels());
        }
        for (Notifier notifier : notifiers) {
            try {
                notifier.send(notification);
            } catch (RuntimeException e) {
                // One broken receiver must not keep the others, or the next evaluation, from their turn.
                log.error("[alert={}] notifier {} failed", notification.alert(), notifier.getClass().getSimpleName(), e);
            }
        }
    }
}
