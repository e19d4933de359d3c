package dev.portway.monitor.alerts;

import dev.portway.monitor.MeterReadings.HttpTotals;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code PortwayHttpLatencyHigh}: the 95th percentile latency of an HTTP tunnel's requests within the window is above
 * the threshold. The quantile is estimated from the histogram buckets the way Prometheus's
 * {@code histogram_quantile} does, so both agree on the same data.
 */
public final class HttpLatencyRule extends HttpTunnelRule {
    static final double QUANTILE = 0.95;

    private final Duration threshold;

    public HttpLatencyRule(Duration threshold, Duration window, Duration holdFor) {
        super("PortwayHttpLatencyHigh", window, holdFor);
        this.threshold = threshold;
    }

    @Override
    Optional<String> problem(String tunnel, HttpTotals delta) {
        double limit = threshold.toNanos() / 1e9;
        double p95 = quantile(QUANTILE, delta);
        if (p95 <= limit) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "HTTP tunnel %s: p95 latency %.3f s is above %.3f s",
                tunnel, p95, limit));
    }

    /** Linear interpolation within the bucket that holds the rank; the highest finite bound beyond it. */
    static double quantile(double q, HttpTotals totals) {
        double rank = q * totals.count();
        double[] bounds = totals.bucketSeconds();
        long[] cumulative = totals.atOrBelow();
        long below = 0;
        double lower = 0;
        for (int i = 0; i < bounds.length; i++) {
            if (cumulative[i] >= rank) {
                long inBucket = cumulative[i] - below;
                return inBucket == 0 ? bounds[i] : lower + (bounds[i] - lower) * (rank - below) / inBucket;
            }
            below = cumulative[i];
            lower = bounds[i];
        }
        return bounds.length == 0 ? 0 : bounds[bounds.length - 1];
    }
}
