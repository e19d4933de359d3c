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

    private static final class Recorder implements EventJournal.Subscriber {
        final List<LiveEvent> events = new ArrayList<>();
        boolean lost;

        @Override
        public void deliver(LiveEvent event) {
            events.add(event);
        }

        @Override
        public void lost() {
            lost = true;
        }
    }

    @Test
    void resumesAfterTheLastSeenIdWithoutRepeatsOrGaps() {
        EventJournal journal = new EventJournal(10, Clock.systemUTC());
        for (int i = 1; i <= 5; i++) {
            journal.publish(client("c" + i, "alice"));
        }
        Recorder seen = new Recorder();
        journal.subscribe(3, seen);
        journal.publish(client("c6", "alice"));
        assertThat(seen.lost).isFalse();
        assertThat(seen.events).extracting(LiveEvent::id).containsExactly(4L, 5L, 6L);
    }

    @Test
    void anIdOlderThanTheBacklogGetsEverythingHeldAndIsToldSomeWereLost() {
        EventJournal journal = new EventJournal(3, Clock.systemUTC());
        for (int i = 1; i <= 8; i++) {
            journal.publish(client("c" + i, "alice"));
        }
        Recorder old = new Recorder();
        journal.subscribe(2, old);
        assertThat(old.lost).isTrue();
        assertThat(old.events).extracting(LiveEvent::id).containsExactly(6L, 7L, 8L);
        // An id from before a restart (larger than any held) is treated the same way.
        Recorder restarted = new Recorder();
        journal.subscribe(1000, restarted);
        assertThat(restarted.lost).isTrue();
        assertThat(restarted.events).hasSize(3);
        Recorder fresh = new Recorder();
        journal.subscribe(-1, fresh);
        assertThat(fresh.events).isEmpty();
        Recorder current = new Recorder();
        journal.subscribe(8, current);
        assertThat(current.lost).isFalse();
        assertThat(current.events).isEmpty();
    }

    @Test
    void rateSnapshotsReplaceEachOtherAndNeverPushLifecycleEventsOut() {
        EventJournal journal = new EventJournal(3, Clock.systemUTC());
        journal.publish(client("c1", "alice"));
        for (int i = 0; i < 500; i++) {
            journal.publish(new EventPayload.Rates(2000, List.of()));
        }
        journal.publish(client("c2", "alice"));
        LiveEvent lastRates = journal.publish(new EventPayload.Rates(2000, List.of()));
        journal.publish(client("c3", "alice"));

        Recorder resumed = new Recorder();
        journal.subscribe(0, resumed);
        assertThat(resumed.lost).isFalse();
        assertThat(resumed.events).extracting(LiveEvent::id).containsExactly(1L, 502L, lastRates.id(), 504L);
        // A subscriber that saw the last snapshot gets only what came after it.
        Recorder recent = new Recorder();
        journal.subscribe(lastRates.id(), recent);
        assertThat(recent.events).extracting(LiveEvent::id).containsExactly(504L);
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
            Recorder seen = new Recorder();
            journal.subscribe(-1, seen);
            List<LiveEvent> events = seen.events;
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
