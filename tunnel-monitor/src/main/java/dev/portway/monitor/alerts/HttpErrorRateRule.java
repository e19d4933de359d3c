package dev.portway.monitor.alerts;

import dev.portway.monitor.MeterReadings;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code PortwayHttpErrorRateHigh}: more than the threshold of an HTTP tunnel's requests within the window got 5xx. */
public final class HttpErrorRateRule implements AlertRule {
    private final double threshold;
    private final Duration holdFor;
    private final HttpWindow window;

    /** @param threshold a fraction, 0.05 for 5 % */
    public HttpErrorRateRule(double threshold, Duration window, Duration holdFor) {
        this.threshold = threshold;
        this.holdFor = holdFor;
        this.window = new HttpWindow(window);
    }

    @Override
    public String name() {
        return "PortwayHttpErrorRateHigh";
    }

    @Override
    public String severity() {
        return "warning";
    }

    @Override
    public Duration holdFor() {
        return holdFor;
    }

    @Override
    public List<AlertCondition> evaluate(MeterReadings readings, Instant now) {
        List<AlertCondition> failing = new ArrayList<>();
        window.deltas(readings, now).forEach((tunnel, delta) -> {
            if (delta.count() == 0) {
                return;
            }
            double ratio = delta.serverErrors() / (double) delta.count();
            if (ratio > threshold) {
                failing.add(new AlertCondition(Map.of("tunnel", tunnel), String.format(Locale.ROOT,
                        "HTTP tunnel %s: %.1f %% of requests answered 5xx (limit %.1f %%)", tunnel, ratio * 100,
                        threshold * 100)));
            }
        });
        return failing;
    }
}
