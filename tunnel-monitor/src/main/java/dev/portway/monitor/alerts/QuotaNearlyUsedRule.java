package dev.portway.monitor.alerts;

import dev.portway.monitor.MeterReadings;
import dev.portway.monitor.QuotaEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code PortwayQuotaNearlyUsed}: a traffic-nearly-used warning was recorded within the window. */
public final class QuotaNearlyUsedRule extends NamedAlertRule {
    private final SampleWindow<Long> samples;

    public QuotaNearlyUsedRule(Duration window, Duration holdFor) {
        super("PortwayQuotaNearlyUsed", "info", holdFor);
        this.samples = new SampleWindow<>(window);
    }

    @Override
    public List<AlertCondition> evaluate(MeterReadings readings, Instant now) {
        long count = readings.quotaEvents(QuotaEvent.TRAFFIC_NEARLY_USED);
        // Counters start at zero with the process, so the first evaluation counts from there.
        long increase = count - samples.addAndGetBaseline(now, count).orElse(0L);
        if (increase <= 0) {
            return List.of();
        }
        return List.of(new AlertCondition(Map.of("kind", "traffic_nearly_used"),
                "A Portway user has nearly used the traffic of their plan (" + increase + " warning(s) recently)"));
    }
}
