package dev.portway.monitor.events;

import dev.portway.monitor.MeterReadings;
import dev.portway.monitor.micrometer.PrometheusMetrics;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class EventJournalTest {
    private static EventPayload client(String id, String user) {
        return new EventPayload.Client(true, id, user, "s-" + id, "127.0.0.1:1");
    }

    @Test
    void resumesAfterTheLastSeenIdWithoutRepeatsOrGaps() {
        EventJournal journal = new EventJournal(10, Clock.systemUTC());
        for (int i = 1; i <= 5; i++) {
            journal.publish(client("c" + i, "alice"));
        }
        List<LiveEvent> live = new ArrayList<>();
        EventJournal.Replay replay = journal.subscribe(3, live::add);
        journal.publish(client("c6", "alice"));
        assertThat(replay.lost()).isFalse();
        assertThat(replay.events()).extracting(LiveEvent::id).containsExactly(4L, 5L);
        assertThat(live).extracting(LiveEvent::id).containsExactly(6L);
    }

    @Test
    void anIdOlderThanTheBacklogGetsEverythingHeldAndIsToldSomeWereLost() {
        EventJournal journal = new EventJournal(3, Clock.systemUTC());
        for (int i = 1; i <= 8; i++) {
            journal.publish(client("c" + i, "alice"));
        }
        EventJournal.Replay replay = journal.subscribe(2, e -> { });
        assertThat(replay.lost()).isTrue();
        assertThat(replay.events()).extracting(LiveEvent::id).containsExactly(6L, 7L, 8L);
        // An id from before a restart (larger than any held) is treated the same way.
        assertThat(journal.subscribe(1000, e -> { }).lost()).isTrue();
        assertThat(journal.subscribe(-1, e -> { }).events()).isEmpty();
        assertThat(journal.subscribe(8, e -> { }).lost()).isFalse();
    }

    @Test
    void aUserSeesOnlyTheirOwnEventsAndTunnels() {
        assertThat(client("c1", "alice").visibleTo("bob")).isNull();
        assertThat(client("c1", "alice").visibleTo("alice")).isNotNull();
        EventPayload.Rates rates = new EventPayload.Rates(2000, List.of(
                new EventPayload.TunnelRate("web", "alice", 1, 2), new EventPayload.TunnelRate("db", "bob", 3, 4)));
        assertThat(((EventPayload.Rates) rates.visibleTo("bob")).tunnels())
                .extracting(EventPayload.TunnelRate::tunnel).containsExactly("db");
    }

    @Test
    void ratesAreCounterDeltasOverElapsedTime() {
        try (PrometheusMetrics metrics = new PrometheusMetrics()) {
            EventJournal journal = new EventJournal();
            AtomicLong nanos = new AtomicLong();
            MeterReadings readings = metrics.readings();
            TrafficRateSampler sampler = new TrafficRateSampler(readings, journal, nanos::get);
            List<LiveEvent> events = new ArrayList<>();
            journal.subscribe(-1, events::add);
            metrics.recorder().bytesIn("web", "alice", 1000);
            sampler.run();
            assertThat(events).as("nothing to compare with yet").isEmpty();
            metrics.recorder().bytesIn("web", "alice", 4000);
            metrics.recorder().bytesOut("web", "alice", 2000);
            nanos.addAndGet(2_000_000_000L);
            sampler.run();
            EventPayload.Rates rates = (EventPayload.Rates) events.get(0).payload();
            assertThat(rates.intervalMillis()).isEqualTo(2000);
            assertThat(rates.tunnels()).containsExactly(new EventPayload.TunnelRate("web", "alice", 2000, 1000));
        }
    }
}
