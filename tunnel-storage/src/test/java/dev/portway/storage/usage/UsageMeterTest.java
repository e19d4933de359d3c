package dev.portway.storage.usage;

import dev.portway.storage.Storage;
import dev.portway.storage.StorageSettings;
import dev.portway.storage.db.Database;
import dev.portway.storage.plans.AtLimit;
import dev.portway.storage.plans.Plan;
import dev.portway.storage.plans.PlanDraft;
import dev.portway.storage.plans.PlanLimits;
import dev.portway.storage.testing.TestDatabases;
import dev.portway.storage.traffic.TrafficBatch;
import dev.portway.storage.traffic.TrafficCounter;
import dev.portway.storage.traffic.TrafficDelta;
import dev.portway.storage.users.PlanChange;
import dev.portway.storage.users.User;
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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static dev.portway.storage.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/** A reading is the plan in force and the period's stored traffic plus what this node has not flushed yet. */
@Timeout(60)
class UsageMeterTest {
    private static final Instant NOW = Instant.parse("2027-02-10T12:00:00Z");

    @TempDir
    static Path dataDir;
    private static Database database;
    private static Storage storage;
    private static TrafficCounter counter;
    private static UsageMeter meter;

    @BeforeAll
    static void start() {
        database = Database.start(TestDatabases.freshDatabase(), dataDir);
        storage = Storage.open(database, StorageSettings.DEFAULTS);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        // Never started: nothing is flushed unless a test says so.
        counter = new TrafficCounter(storage.traffic(), Duration.ofHours(1), clock);
        meter = new UsageMeter(storage.plans(), storage.usage(), counter, UsagePeriods.CALENDAR_UTC, clock);
    }

    @AfterAll
    static void stop() {
        counter.close();
        storage.close();
        database.close();
    }

    @Test
    void unflushedCountsAddToTheStoredOnes() {
        PlanLimits limits = new PlanLimits(10_000L, AtLimit.SUSPEND, null, 0.8, null, null, null, null, null, null,
                null, null, null, true);
        Plan small = result(storage.plans().create(new PlanDraft("small", false, limits)));
        User user = result(storage.users().create("metered"));
        User other = result(storage.users().create("metered-other"));
        result(storage.users().changePlan(user.id(), PlanChange.plan(small.id())));
        assertThat(result(storage.traffic().apply(new TrafficBatch(UUID.randomUUID(), List.of(
                new TrafficDelta(1, user.id(), Instant.parse("2027-02-10T10:00:00Z"), 3_000, 2_000, 1),
                new TrafficDelta(1, user.id(), Instant.parse("2027-01-10T10:00:00Z"), 90_000, 0, 1)))))).isTrue();

        counter.addBytes(1, user.id(), 2_000, 1_500);
        counter.addBytes(2, other.id(), 50_000, 0);
        UsageMeter.Reading warned = result(meter.read(user.id())).orElseThrow();
        assertThat(warned.user().plan()).isEqualTo(small);
        assertThat(warned.standing().used()).isEqualTo(8_500);
        assertThat(warned.standing().state()).isEqualTo(QuotaState.WARNING);
        assertThat(counter.unflushed(user.id(), Instant.parse("2027-02-01T00:00:00Z")).counting()).isEqualTo(3_500L);
        assertThat(counter.unflushed(other.id(), Instant.parse("2027-02-01T00:00:00Z")).counting())
                .isEqualTo(50_000L);
        assertThat(counter.unflushed(user.id(), Instant.parse("2099-01-01T00:00:00Z")).counting())
                .as("counted before the period").isZero();

        counter.addBytes(1, user.id(), 0, 1_500);
        QuotaStanding used = result(meter.read(user.id())).orElseThrow().standing();
        assertThat(used.used()).isEqualTo(10_000);
        assertThat(used.state()).isEqualTo(QuotaState.SUSPENDED);
        assertThat(used.reason()).isEqualTo("monthly traffic allowance used: 10.0 kB of 10.0 kB; resets 2027-03-01");

        assertThat(result(counter.flush())).isTrue();
        assertThat(result(meter.read(user.id())).orElseThrow().standing().used()).as("flushed, counted once")
                .isEqualTo(10_000);
    }

    @Test
    void aBatchStoredButNotYetAcknowledgedIsCountedOnce() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        CompletableFuture<Boolean> acknowledged = new CompletableFuture<>();
        CompletableFuture<Boolean> stored = new CompletableFuture<>();
        // The database commits the batch, and the answer takes its time: the counter still holds it as pending.
        TrafficCounter slow = new TrafficCounter(batch -> storage.traffic().apply(batch)
                .whenComplete((applied, error) -> stored.complete(applied))
                .thenCompose(applied -> acknowledged), Duration.ofHours(1), clock);
        UsageMeter slowMeter = new UsageMeter(storage.plans(), storage.usage(), slow, UsagePeriods.CALENDAR_UTC,
                clock);
        User user = result(storage.users().create("acknowledged-late"));
        slow.addBytes(7, user.id(), 1_000, 500);
        slow.flush();
        assertThat(result(stored)).isTrue();
        assertThat(slow.unflushed(user.id(), NOW).inBatch()).as("still pending here").isEqualTo(1_500);
        assertThat(result(slowMeter.read(user.id())).orElseThrow().standing().used()).isEqualTo(1_500);
        slow.addBytes(7, user.id(), 100, 0);
        assertThat(result(slowMeter.read(user.id())).orElseThrow().standing().used()).isEqualTo(1_600);
        acknowledged.complete(true);
        slow.close();
    }

    @Test
    void anUnknownUserHasNoReading() {
        assertThat(result(meter.read(999_999))).isEmpty();
    }
}
