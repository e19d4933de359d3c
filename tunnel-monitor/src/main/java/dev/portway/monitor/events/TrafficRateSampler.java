package dev.portway.monitor.events;

import dev.portway.monitor.MeterReadings.TrafficTotal;
import dev.portway.monitor.MeterReadings;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Every run publishes a {@link EventPayload.Rates} snapshot: per tunnel, the bytes counted since the previous run
 * divided by the time between them. Reads only the in-memory byte counters; the first run has nothing to compare with
 * and publishes nothing. Scheduled at a fixed interval (2 s) on the monitor thread.
 */
public final class TrafficRateSampler implements Runnable {
    private final MeterReadings readings;
    private final EventJournal journal;
    private final LongSupplier nanoTime;
    private Map<Key, TrafficTotal> previous;
    private long previousNanos;

    private record Key(String tunnel, String user) {
    }

    public TrafficRateSampler(MeterReadings readings, EventJournal journal) {
        this(readings, journal, System::nanoTime);
    }

    TrafficRateSampler(MeterReadings readings, EventJournal journal, LongSupplier nanoTime) {
        this.readings = readings;
        this.journal = journal;
        this.nanoTime = nanoTime;
    }

    @Override
    public void run() {
        long now = nanoTime.getAsLong();
        Map<Key, TrafficTotal> current = new HashMap<>();
        for (TrafficTotal total : readings.trafficTotals()) {
            current.put(new Key(total.tunnel(), total.user()), total);
        }
        if (previous != null && now > previousNanos) {
            double seconds = (now - previousNanos) / 1e9;
            List<EventPayload.TunnelRate> rates = new ArrayList<>();
            current.forEach((key, total) -> {
                TrafficTotal before = previous.get(key);
                long in = total.bytesIn() - (before == null ? 0 : before.bytesIn());
                long out = total.bytesOut() - (before == null ? 0 : before.bytesOut());
                rates.add(new EventPayload.TunnelRate(key.tunnel(), key.user(), Math.max(0, in) / seconds,
                        Math.max(0, out) / seconds));
            });
            rates.sort(Comparator.comparing(EventPayload.TunnelRate::user)
                    .thenComparing(EventPayload.TunnelRate::tunnel));
            journal.publish(new EventPayload.Rates(Math.round(seconds * 1000), rates));
        }
        previous = current;
        previousNanos = now;
    }
}
