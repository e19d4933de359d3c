package dev.portway.storage.usage;

import dev.portway.storage.Storage;
import dev.portway.storage.StorageSettings;
import dev.portway.storage.db.Database;
import dev.portway.storage.testing.TestDatabases;
import dev.portway.storage.traffic.TrafficBatch;
import dev.portway.storage.traffic.TrafficDelta;
import dev.portway.storage.users.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static dev.portway.storage.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/** Stored usage: one user's hours of one period, and notices that go out once. */
@Timeout(60)
class UsageRepositoryTest {
    private static final Instant FEBRUARY = Instant.parse("2027-02-01T00:00:00Z");

    @TempDir
    static Path dataDir;
    private static Database database;
    private static Storage storage;
    private static UsageRepository usage;

    @BeforeAll
    static void start() {
        database = Database.start(TestDatabases.freshDatabase(), dataDir);
        storage = Storage.open(database, StorageSettings.DEFAULTS);
        usage = storage.usage();
    }

    @AfterAll
    static void stop() {
        storage.close();
        database.close();
    }

    private static void store(TrafficDelta... deltas) {
        assertThat(result(storage.traffic().apply(new TrafficBatch(UUID.randomUUID(), List.of(deltas))))).isTrue();
    }

    @Test
    void bytesSinceCountsOnlyThePeriodsHoursOfThatUser() {
        long alice = result(storage.users().create("alice-usage")).id();
        long bob = result(storage.users().create("bob-usage")).id();
        store(new TrafficDelta(1, alice, Instant.parse("2027-01-31T23:00:00Z"), 1_000, 1_000, 1),
                new TrafficDelta(1, alice, FEBRUARY, 10, 20, 1),
                new TrafficDelta(2, alice, Instant.parse("2027-02-10T05:00:00Z"), 300, 400, 1),
                new TrafficDelta(3, bob, Instant.parse("2027-02-05T00:00:00Z"), 5_000, 5_000, 1));

        assertThat(result(usage.bytesSince(alice, FEBRUARY))).isEqualTo(730);
        assertThat(result(usage.bytesSince(bob, FEBRUARY))).isEqualTo(10_000);
        assertThat(result(usage.bytesSince(alice, Instant.parse("2027-02-01T01:00:00Z")))).isEqualTo(700);
        assertThat(result(usage.bytesSince(alice, Instant.parse("2027-03-01T00:00:00Z")))).isZero();
        assertThat(result(usage.bytesSince(999_999, FEBRUARY))).as("no such user").isZero();
    }

    @Test
    void aPeriodStartingWithinAnHourCountsThatWholeHour() {
        long user = result(storage.users().create("kolkata")).id();
        // Midnight in Kolkata is 18:30 UTC, inside the hour the counter files as 18:00.
        store(new TrafficDelta(4, user, Instant.parse("2027-01-31T18:00:00Z"), 50, 50, 1),
                new TrafficDelta(4, user, Instant.parse("2027-01-31T17:00:00Z"), 1, 1, 1));
        assertThat(result(usage.bytesSince(user, Instant.parse("2027-01-31T18:30:00Z")))).isEqualTo(100);
    }

    @Test
    void aNoticeIsFirstOncePerUserPeriodAndKind() {
        User user = result(storage.users().create("noticed"));
        User other = result(storage.users().create("noticed-too"));
        assertThat(result(usage.firstNotice(user.id(), FEBRUARY, "warning"))).isTrue();
        assertThat(result(usage.firstNotice(user.id(), FEBRUARY, "warning"))).isFalse();
        assertThat(result(usage.firstNotice(user.id(), FEBRUARY, "used"))).isTrue();
        assertThat(result(usage.firstNotice(user.id(), Instant.parse("2027-03-01T00:00:00Z"), "warning"))).isTrue();
        assertThat(result(usage.firstNotice(other.id(), FEBRUARY, "warning"))).isTrue();
    }
}
