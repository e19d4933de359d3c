package dev.portway.monitor.alerts;

import dev.portway.monitor.MeterReadings.HttpTotals;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** {@code PortwayHttpErrorRateHigh}: more than the threshold of an HTTP tunnel's requests within the window got 5xx. */
public final class HttpErrorRateRule extends HttpTunnelRule {
    private final double threshold;

    /** @param threshold a fraction, 0.05 for 5 % */
    public HttpErrorRateRule(double threshold, Duration window, Duration holdFor) {
        super("PortwayHttpErrorRateHigh", window, holdFor);
        this.threshold = threshold;
    }

    @Override
    Optional<String> problem(String tunnel, HttpTotals delta) {
        double ratio = delta.serverErrors() / (double) delta.count();
        if (ratio <= threshold) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT,
                "HTTP tunnel %s: %.1f %% of requests answered 5xx (limit %.1f %%)", tunnel, ratio * 100,
                threshold * 100));
    }
}
