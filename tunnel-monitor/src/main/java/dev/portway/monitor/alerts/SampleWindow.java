package dev.portway.monitor.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Snapshots of cumulative counters over a sliding window, so that a rule can compute what happened within it (what
 * {@code rate(x[5m])} and {@code increase(x[1h])} do in Prometheus). Holds one sample per evaluation within the
 * window, so its size is bounded by window / interval.
 */
final class SampleWindow<T> {
    private record Sample<T>(Instant time, T value) {
    }

    private final Duration window;
    private final Deque<Sample<T>> samples = new ArrayDeque<>();

    SampleWindow(Duration window) {
        this.window = window;
    }

    /** Adds the current value; returns the oldest value still within the window, empty when this is the only one. */
    Optional<T> addAndGetBaseline(Instant now, T value) {
        Instant horizon = now.minus(window);
        while (!samples.isEmpty() && samples.peekFirst().time().isBefore(horizon)) {
            samples.removeFirst();
        }
        Optional<T> baseline = Optional.ofNullable(samples.peekFirst()).map(Sample::value);
        samples.addLast(new Sample<>(now, value));
        return baseline;
    }
}
