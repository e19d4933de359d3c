package dev.portway.monitor.alerts;

import dev.portway.monitor.MeterReadings.HttpTotals;
import dev.portway.monitor.MeterReadings;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Per-tunnel HTTP request counts within a sliding window: the latest totals minus the oldest within the window. */
final class HttpWindow {
    private final SampleWindow<Map<String, HttpTotals>> samples;

    HttpWindow(Duration window) {
        this.samples = new SampleWindow<>(window);
    }

    /** Empty on the first call: a window needs two samples. */
    Map<String, HttpTotals> deltas(MeterReadings readings, Instant now) {
        Map<String, HttpTotals> latest = readings.httpTotals();
        Map<String, HttpTotals> baseline = samples.addAndGetBaseline(now, latest).orElse(null);
        Map<String, HttpTotals> deltas = new HashMap<>();
        if (baseline == null) {
            return deltas;
        }
        latest.forEach((tunnel, totals) -> deltas.put(tunnel, minus(totals, baseline.get(tunnel))));
        return deltas;
    }

    private static HttpTotals minus(HttpTotals now, HttpTotals before) {
        if (before == null || before.atOrBelow().length != now.atOrBelow().length) {
            // The tunnel's first requests fell within the window: everything counted so far is new.
            return now;
        }
        long[] buckets = new long[now.atOrBelow().length];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = now.atOrBelow()[i] - before.atOrBelow()[i];
        }
        return new HttpTotals(now.bucketSeconds(), buckets, now.count() - before.count(),
                now.serverErrors() - before.serverErrors());
    }
}
