package dev.portway.benchmarks.load;

/** Percentiles of a sorted array of nanosecond samples. */
final class Percentiles {
    private Percentiles() {
    }

    static double ms(long[] sortedNanos, double q) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sortedNanos.length - 1, Math.ceil(q * sortedNanos.length) - 1);
        return sortedNanos[Math.max(0, i)] / 1e6;
    }
}
