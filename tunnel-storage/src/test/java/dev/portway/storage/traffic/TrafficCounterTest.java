package dev.portway.storage.traffic;

import dev.portway.storage.StorageUnavailableException;
import dev.portway.storage.db.Database;
import dev.portway.storage.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.portway.storage.testing.Await.result;
import static dev.portway.storage.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/** Traffic deltas reach traffic_hourly exactly once, whatever fails in between. */
@Timeout(60)
class TrafficCounterTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:15:00Z");
    private static final Instant HOUR = NOW.truncatedTo(ChronoUnit.HOURS);
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    static Path dataDir;
    private static Database database;
    private static TrafficRepository repository;

    @BeforeAll
    static void start() {
        database = Database.start(TestDatabases.freshDatabase(), dataDir);
        repository = new TrafficRepository(database.jdbc());
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    @Test
    void aFlushAddsDeltasToTheHourAndLaterFlushesAccumulate() {
        TrafficCounter counter = new TrafficCounter(repository, Duration.ofHours(1), CLOCK);
        counter.addConnection(1, 10);
        counter.addBytes(1, 10, 100, 1_000);
        counter.addBytes(1, 10, 50, 0);
        counter.addBytes(2, 20, 7, 7);

        assertThat(result(counter.flush())).isTrue();
        assertThat(hour(1)).isEqualTo(new TrafficHour(1, 10, HOUR, 150, 1_000, 1));
        assertThat(hour(2)).isEqualTo(new TrafficHour(2, 20, HOUR, 7, 7, 0));

        counter.addBytes(1, 10, 1, 2);
        assertThat(result(counter.flush())).isTrue();
        assertThat(result(counter.flush())).isTrue();
        assertThat(hour(1)).isEqualTo(new TrafficHour(1, 10, HOUR, 151, 1_002, 1));
        counter.close();
    }

    @Test
    void aBatchAppliedTwiceWithTheSameIdCountsOnce() {
        TrafficBatch batch = new TrafficBatch(UUID.randomUUID(),
                List.of(new TrafficDelta(3, 30, HOUR, 10, 20, 1)));
        assertThat(result(repository.apply(batch))).isTrue();
        assertThat(result(repository.apply(batch))).isFalse();
        assertThat(hour(3)).isEqualTo(new TrafficHour(3, 30, HOUR, 10, 20, 1));
    }

    @Test
    void flushIdsOlderThanADayAreForgottenWhenTheNextBatchIsApplied() {
        UUID old = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        result(database.jdbc().query(c -> {
            try (var s = c.prepareStatement("INSERT INTO traffic_flushes (id, applied_at) VALUES"
                    + " (?, now() - interval '25 hours'), (?, now() - interval '23 hours')")) {
                s.setObject(1, old);
                s.setObject(2, recent);
                return s.executeUpdate();
            }
        }));
        assertThat(result(repository.apply(new TrafficBatch(UUID.randomUUID(),
                List.of(new TrafficDelta(8, 80, HOUR, 1, 1, 0)))))).isTrue();
        List<UUID> kept = result(database.jdbc().query(c -> {
            List<UUID> ids = new ArrayList<>();
            try (var s = c.prepareStatement("SELECT id FROM traffic_flushes WHERE id IN (?, ?)")) {
                s.setObject(1, old);
                s.setObject(2, recent);
                try (var rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            return ids;
        }));
        assertThat(kept).containsExactly(recent);
    }

    @Test
    void aFlushWhoseAnswerWasLostIsRetriedWithItsIdAndNotCountedTwice() {
        // The first attempt commits but reports failure, as when the connection dies before the commit's answer.
        AtomicInteger attempts = new AtomicInteger();
        TrafficSink lostAnswer = batch -> {
            CompletableFuture<Boolean> stored = repository.apply(batch);
            if (attempts.incrementAndGet() == 1) {
                return stored.thenCompose(ignored -> CompletableFuture.failedFuture(
                        new StorageUnavailableException("connection reset", null)));
            }
            return stored;
        };
        TrafficCounter counter = new TrafficCounter(lostAnswer, Duration.ofHours(1), CLOCK);
        counter.addBytes(4, 40, 500, 600);

        assertThat(result(counter.flush())).isFalse();
        counter.addBytes(4, 40, 1, 1);
        assertThat(result(counter.flush())).isTrue();
        assertThat(hour(4)).isEqualTo(new TrafficHour(4, 40, HOUR, 500, 600, 0));
        assertThat(result(counter.flush())).isTrue();
        assertThat(hour(4)).isEqualTo(new TrafficHour(4, 40, HOUR, 501, 601, 0));
        counter.close();
    }

    @Test
    void aFailedFlushKeepsItsDeltasForTheNextAttempt() {
        AtomicInteger attempts = new AtomicInteger();
        TrafficSink downOnce = batch -> attempts.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new StorageUnavailableException("database down", null))
                : repository.apply(batch);
        TrafficCounter counter = new TrafficCounter(downOnce, Duration.ofHours(1), CLOCK);
        counter.addBytes(5, 50, 9, 9);

        assertThat(result(counter.flush())).isFalse();
        assertThat(result(repository.hourly(5, HOUR, HOUR.plusSeconds(3600)))).isEmpty();
        assertThat(result(counter.flush())).isTrue();
        assertThat(hour(5)).isEqualTo(new TrafficHour(5, 50, HOUR, 9, 9, 0));
        counter.close();
    }

    @Test
    void closingFlushesWhatIsLeftAndTheScheduleFlushesOnItsOwn() throws InterruptedException {
        TrafficCounter scheduled = new TrafficCounter(repository, Duration.ofMillis(100), CLOCK).start();
        scheduled.addBytes(6, 60, 3, 4);
        until(() -> !result(repository.hourly(6, HOUR, HOUR.plusSeconds(3600))).isEmpty(), Duration.ofSeconds(10));
        scheduled.close();

        TrafficCounter counter = new TrafficCounter(repository, Duration.ofHours(1), CLOCK).start();
        counter.addBytes(7, 70, 11, 12);
        counter.addConnection(7, 70);
        counter.close();
        assertThat(hour(7)).isEqualTo(new TrafficHour(7, 70, HOUR, 11, 12, 1));
    }

    private static TrafficHour hour(long tunnelId) {
        List<TrafficHour> hours = result(repository.hourly(tunnelId, HOUR, HOUR.plusSeconds(3600)));
        assertThat(hours).hasSize(1);
        return hours.get(0);
    }
}
