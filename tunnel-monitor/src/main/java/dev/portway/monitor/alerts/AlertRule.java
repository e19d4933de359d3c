package dev.portway.monitor.alerts;

import dev.portway.monitor.MeterReadings;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One condition of {@code deploy/prometheus/alerts.yaml}, evaluated by the server itself. A rule may keep state
 * between evaluations (what it saw before, a window of samples); it is called from one thread only.
 */
public interface AlertRule {
    /** The alert's name, the same as in {@code alerts.yaml}. */
    String name();

    String severity();

    /** How long a condition must hold before it fires ({@code for} in Prometheus). */
    Duration holdFor();

    /** The instances whose condition holds now. */
    List<AlertCondition> evaluate(MeterReadings readings, Instant now);
}
