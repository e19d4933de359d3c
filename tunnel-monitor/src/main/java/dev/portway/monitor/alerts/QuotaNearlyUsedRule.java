package dev.portway.monitor.alerts;

import dev.portway.monitor.MeterReadings;
import dev.portway.monitor.QuotaEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code PortwayQuotaNearlyUsed}: a user passed the warning share of its plan's traffic allowance
 * ({@code kind=traffic_nearly_used}), or used all of it ({@code kind=traffic_exceeded}), within the window. Each kind
 * fires and resolves on its own.
 */
public final class QuotaNearlyUsedRule extends NamedAlertRule {
    private static final Map<QuotaEvent, String> SUMMARIES = Map.of(
            QuotaEvent.TRAFFIC_NEARLY_USED, "A Portway user has nearly used the traffic of their plan",
            QuotaEvent.TRAFFIC_EXCEEDED, "A Portway user has used all the traffic of their plan");
    private final Map<QuotaEvent, SampleWindow<Long>> samples = new EnumMap<>(QuotaEvent.class);

    public QuotaNearlyUsedRule(Duration window, Duration holdFor) {
        super("PortwayQuotaNearlyUsed", "info", holdFor);
        for (QuotaEvent kind : SUMMARIES.keySet()) {
            samples.put(kind, new SampleWindow<>(window));
        }
    }

    @Override
    public List<AlertCondition> evaluate(MeterReadings readings, Instant now) {
        List<AlertCondition> conditions = new ArrayList<>();
        samples.forEach((kind, window) -> {
            long count = readings.quotaEvents(kind);
            // Counters start at zero with the process, so the first evaluation counts from there.
            long increase = count - window.addAndGetBaseline(now, count).orElse(0L);
            if (increase > 0) {
                conditions.add(new AlertCondition(Map.of("kind", kind.label()),
                        SUMMARIES.get(kind) + " (" + increase + " time(s) recently)"));
            }
        });
        return conditions;
    }
}
