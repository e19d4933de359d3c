package dev.portway.monitor.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The state machine of one rule's instances, keyed by their labels: absent → pending (condition holds) → firing
 * (held for {@code for}) → absent again. Only the two transitions into and out of firing produce a notification, so
 * an alert is announced once when it starts and once when it resolves, however often it is evaluated. A pending
 * instance whose condition stops holding disappears silently.
 *
 * <p>Threading: one evaluation thread.
 */
final class AlertTracker {
    private final AlertRule rule;
    private final Map<Map<String, String>, Instance> instances = new HashMap<>();

    private static final class Instance {
        final Instant since;
        String summary;
        boolean firing;

        Instance(Instant since, String summary) {
            this.since = since;
            this.summary = summary;
        }
    }

    AlertTracker(AlertRule rule) {
        this.rule = rule;
    }

    AlertRule rule() {
        return rule;
    }

    /** Applies one evaluation's conditions; returns the notifications it causes. */
    List<AlertNotification> update(List<AlertCondition> holding, Instant now) {
        List<AlertNotification> out = new ArrayList<>();
        Map<Map<String, String>, AlertCondition> current = new HashMap<>();
        holding.forEach(condition -> current.put(condition.labels(), condition));
        for (Iterator<Map.Entry<Map<String, String>, Instance>> it = instances.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Map<String, String>, Instance> entry = it.next();
            if (!current.containsKey(entry.getKey())) {
                Instance gone = entry.getValue();
                if (gone.firing) {
                    out.add(notification(entry.getKey(), gone, AlertState.RESOLVED, now));
                }
                it.remove();
            }
        }
        Duration holdFor = rule.holdFor();
        for (AlertCondition condition : holding) {
            Instance instance = instances.computeIfAbsent(condition.labels(), l -> new Instance(now, condition.summary()));
            instance.summary = condition.summary();
            if (!instance.firing && !now.isBefore(instance.since.plus(holdFor))) {
                instance.firing = true;
                out.add(notification(condition.labels(), instance, AlertState.FIRING, null));
            }
        }
        return out;
    }

    /** The instances firing after the last {@link #update}. */
    List<FiringAlert> firing() {
        List<FiringAlert> firing = new ArrayList<>();
        instances.forEach((labels, instance) -> {
            if (instance.firing) {
                firing.add(new FiringAlert(rule.name(), rule.severity(), labels, instance.summary, instance.since));
            }
        });
        return firing;
    }

    private AlertNotification notification(Map<String, String> labels, Instance instance, AlertState state,
                                           Instant endsAt) {
        return new AlertNotification(rule.name(), state, rule.severity(), labels, instance.summary, instance.since,
                endsAt);
    }
}
