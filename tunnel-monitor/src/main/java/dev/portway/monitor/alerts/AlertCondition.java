package dev.portway.monitor.alerts;

import java.util.Map;

/**
 * One alert instance whose condition holds in this evaluation.
 *
 * @param labels identifies the instance (for example the client id); a bounded set
 * @param summary one line for a human, naming the instance and the measured value
 */
public record AlertCondition(Map<String, String> labels, String summary) {
    public AlertCondition {
        labels = Map.copyOf(labels);
    }
}
