package dev.portway.monitor.alerts;

import java.time.Instant;
import java.util.Map;

/**
 * One transition of one alert instance, sent once: {@link AlertState#FIRING} when its condition has held for the
 * rule's {@code for} duration, {@link AlertState#RESOLVED} when it stopped holding.
 *
 * @param startsAt when the condition began to hold (not when the {@code for} duration ended)
 * @param endsAt   when it was seen to stop holding; null while firing
 */
public record AlertNotification(String alert, AlertState state, String severity, Map<String, String> labels,
                                String summary, Instant startsAt, Instant endsAt) {
    public AlertNotification {
        labels = Map.copyOf(labels);
    }
}
