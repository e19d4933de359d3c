package dev.portway.storage.certificates;

import dev.portway.storage.Storage;
import dev.portway.storage.StorageSettings;
import dev.portway.storage.change.ChangeKind;
import dev.portway.storage.db.Database;
import dev.portway.storage.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.portway.storage.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/** ACME accounts, certificates and the order lock on real PostgreSQL. */
@Timeout(60)
class CertificateRepositoryTest {
    @TempDir
    static Path dataDir;
    private static Database database;
    private static Storage storage;
    private static CertificateRepository certificates;

    @BeforeAll
    static void start() {
        database = Database.start(TestDatabases.freshDatabase(), dataDir);
        storage = Storage.open(database, StorageSettings.DEFAULTS);
        certificates = storage.certificates();
    }

    @AfterAll
    static void stop() {
        storage.close();
        database.close();
    }

    @Test
    void theFirstAccountKeyStoredForADirectoryStays() {
        assertThat(result(certificates.accountKey("https://ca.example.test/dir"))).isEmpty();
        assertThat(result(certificates.saveAccountKey("https://ca.example.test/dir", new byte[] {1})))
                .containsExactly(1);
        assertThat(result(certificates.saveAccountKey("https://ca.example.test/dir", new byte[] {2})))
                .containsExactly(1);
        assertThat(result(certificates.accountKey("https://ca.example.test/dir")).orElseThrow()).containsExactly(1);
    }

    @Test
    void aCertificateIsReplacedByTheNextOfItsName() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        result(certificates.save(new StoredCertificate("www.example.test", List.of("www.example.test"), "chain-1",
                new byte[] {1}, now, now.plus(90, ChronoUnit.DAYS))));
        result(certificates.save(new StoredCertificate("www.example.test", List.of("www.example.test"), "chain-2",
                new byte[] {2}, now, now.plus(60, ChronoUnit.DAYS))));
        List<StoredCertificate> all = result(certificates.all()).stream()
                .filter(c -> c.name().equals("www.example.test")).toList();
        assertThat(all).singleElement().satisfies(stored -> {
            assertThat(stored.chainPem()).isEqualTo("chain-2");
            assertThat(stored.sealedKey()).containsExactly(2);
            assertThat(stored.domains()).containsExactly("www.example.test");
            assertThat(stored.notAfter()).isEqualTo(now.plus(60, ChronoUnit.DAYS));
        });
    }

    @Test
    void aRequestKeepsItsFirstOriginAndADeleteTakesCertificateAndRequestAndTellsEveryNode() {
        List<String> changed = new java.util.concurrent.CopyOnWriteArrayList<>();
        database.changes().subscribe(event -> {
            if (event.kind() == ChangeKind.CERTIFICATE) {
                changed.add(event.key());
            }
        });
        assertThat(result(certificates.request("shop.example.test", AcmeRequest.TUNNEL)).origin())
                .isEqualTo(AcmeRequest.TUNNEL);
        assertThat(result(certificates.request("shop.example.test", AcmeRequest.API)).origin())
                .isEqualTo(AcmeRequest.TUNNEL);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        result(certificates.save(new StoredCertificate("shop.example.test", List.of("shop.example.test"), "chain",
                new byte[] {1}, now, now.plus(90, ChronoUnit.DAYS))));
        assertThat(result(certificates.requests())).extracting(AcmeRequest::name).contains("shop.example.test");

        assertThat(result(certificates.delete("shop.example.test"))).isTrue();
        assertThat(result(certificates.requests())).extracting(AcmeRequest::name).doesNotContain("shop.example.test");
        assertThat(result(certificates.all())).extracting(StoredCertificate::name).doesNotContain("shop.example.test");
        assertThat(result(certificates.delete("shop.example.test"))).isFalse();
        assertThat(changed).contains("shop.example.test");
    }

    @Test
    void oneHolderOfTheOrderLockAtATime() throws Exception {
        CountDownLatch firstInside = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> hold(() -> {
            firstInside.countDown();
            releaseFirst.await(20, TimeUnit.SECONDS);
        }, inside, most));
        assertThat(firstInside.await(20, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> hold(() -> { }, inside, most));
        // The second waits on PostgreSQL for as long as the first holds the lock.
        Thread.sleep(300);
        assertThat(second).isNotDone();
        releaseFirst.countDown();
        first.get(20, TimeUnit.SECONDS);
        second.get(20, TimeUnit.SECONDS);
        assertThat(most.get()).isEqualTo(1);
    }

    private interface Work {
        void run() throws Exception;
    }

    private static void hold(Work work, AtomicInteger inside, AtomicInteger most) {
        try {
            certificates.exclusively(() -> {
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                try {
                    work.run();
                } finally {
                    inside.decrementAndGet();
                }
                return null;
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
