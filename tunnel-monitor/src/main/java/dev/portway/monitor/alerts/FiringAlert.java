package dev.portway.monitor.alerts;

import java.time.Instant;
import java.util.Map;

/**
 * One alert instance firing at the last evaluation, as the admin API lists it.
 *
 * @param since when its condition began to hold
 */
public record FiringAlert(String alert, String severity, Map<String, String> labels, String summary, Instant since) {
    public FiringAlert {
        labels = Map.copyOf(labels);
    }
}
