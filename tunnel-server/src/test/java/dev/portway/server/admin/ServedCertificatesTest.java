package dev.portway.server.admin;

import dev.portway.admin.LiveCertificate;
import dev.portway.admin.problem.ApiException;
import dev.portway.admin.problem.ProblemType;
import dev.portway.monitor.TunnelMetrics;
import dev.portway.server.acme.AcmeCertificates;
import dev.portway.server.acme.AcmeOrders;
import dev.portway.server.acme.AcmeService;
import dev.portway.server.acme.CertificateStore;
import dev.portway.server.acme.DomainProbe;
import dev.portway.server.acme.FileCertificateStore;
import dev.portway.server.acme.PendingChallenges;
import dev.portway.server.acme.StorageCipher;
import dev.portway.server.config.AcmeConfig;
import dev.portway.server.config.HttpsCertificateConfig;
import dev.portway.server.https.CertificateFiles;
import dev.portway.server.testkit.TestCa;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the server refuses of certificate requests and deletions before anything is stored: names server.yaml holds,
 * wildcards it cannot validate, anything without ACME. The CA behind the configuration is never reached here.
 */
@Timeout(30)
class ServedCertificatesTest {
    private static final String FILE_HOST = "files.example.test";
    private static final String CONFIGURED = "www.example.test";

    @TempDir
    Path dir;
    private CertificateFiles files;
    private final AcmeCertificates acme = new AcmeCertificates();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
    private AcmeConfig config;
    private AcmeService service;

    @BeforeEach
    void setUp() throws Exception {
        TestCa.PemFiles pem = TestCa.create("served-ca").issue(FILE_HOST).written(dir, "files");
        files = CertificateFiles.load(List.of(new HttpsCertificateConfig(List.of(FILE_HOST), pem.cert(), pem.key())));
        // A CA nothing listens for; a check placed by a request only fails.
        config = new AcmeConfig(URI.create("https://127.0.0.1:9/dir"), null, List.of(CONFIGURED),
                List.of(AcmeConfig.HTTP_01), null, null, Duration.ofHours(1), null, null);
        CertificateStore store = FileCertificateStore.open(dir.resolve("acme"),
                StorageCipher.fromFile(dir.resolve("storage.key"), true));
        PendingChallenges challenges = new PendingChallenges();
        service = new AcmeService(config, store, new AcmeOrders(config, store, challenges), acme,
                new DomainProbe(challenges, store, name -> List.of(), 80, Duration.ofSeconds(1)), thread,
                Clock.systemUTC(), TunnelMetrics.NOOP, null);
    }

    @AfterEach
    void tearDown() throws Exception {
        thread.shutdownNow();
        thread.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void namesOfServerYamlAndWildcardsWithoutDns01AreRefused() {
        ServedCertificates certificates = new ServedCertificates(files, acme, config, () -> service,
                Clock.systemUTC());
        assertRefused(() -> certificates.request(FILE_HOST), ProblemType.CONFLICT, "https.certificates");
        assertRefused(() -> certificates.request(CONFIGURED), ProblemType.CONFLICT, "https.acme.domains");
        assertRefused(() -> certificates.request("*.example.test"), ProblemType.INVALID_FIELD, "dns-01");
        assertRefused(() -> certificates.delete(FILE_HOST), ProblemType.CONFLICT, "https.certificates");
        assertRefused(() -> certificates.delete(CONFIGURED), ProblemType.CONFLICT, "https.acme.domains");
        assertThat(certificates.list()).singleElement().satisfies(file -> {
            assertThat(file.source()).isEqualTo(LiveCertificate.FILE);
            assertThat(file.state()).isEqualTo("valid");
        });
    }

    @Test
    void aRequestedNameIsListedPendingUntilItsCertificateComes() throws Exception {
        ServedCertificates certificates = new ServedCertificates(files, acme, config, () -> service,
                Clock.systemUTC());
        LiveCertificate entry = certificates.request("shop.example.test").toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(entry.origin()).isEqualTo("api");
        assertThat(entry.state()).isEqualTo("pending");
        assertThat(entry.notAfter()).isNull();
        assertThat(certificates.list()).extracting(LiveCertificate::name).contains(FILE_HOST, "shop.example.test");
    }

    @Test
    void withoutAcmeNothingIsRequestedOrDeletedButFilesStillSayWhyNot() {
        ServedCertificates certificates = new ServedCertificates(files, acme, null, () -> null, Clock.systemUTC());
        assertRefused(() -> certificates.request("shop.example.test"), ProblemType.ACME_DISABLED, "https.acme");
        assertRefused(() -> certificates.delete("shop.example.test"), ProblemType.ACME_DISABLED, "https.acme");
        assertRefused(() -> certificates.delete(FILE_HOST), ProblemType.CONFLICT, "https.certificates");
    }

    private static void assertRefused(Runnable call, ProblemType type, String detail) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.type()).isEqualTo(type);
            assertThat(e.getMessage()).contains(detail);
        });
    }
}
