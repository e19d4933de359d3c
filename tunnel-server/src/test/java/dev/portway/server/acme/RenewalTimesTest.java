package dev.portway.server.acme;

import dev.portway.server.testkit.TestCa;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The choice of renewal time: the CA's window (ARI) when it offers one, two thirds of the lifetime otherwise. */
class RenewalTimesTest {
    private final IssuedCertificate certificate;

    RenewalTimesTest() throws Exception {
        TestCa.Issued issued = TestCa.create("renewal-ca").issue("www.example.test");
        certificate = new IssuedCertificate("www.example.test", List.of("www.example.test"),
                List.of(issued.cert()), new KeyPair(issued.cert().getPublicKey(), issued.key()));
    }

    @Test
    void withoutRenewalInformationTwoThirdsOfTheLifetime() {
        RenewalTimes times = new RenewalTimes(leaf -> Optional.empty());
        Instant renewAt = times.renewAt(certificate, certificate.notBefore());
        assertThat(renewAt).isEqualTo(certificate.renewAt());
        Duration lifetime = Duration.between(certificate.notBefore(), certificate.notAfter());
        assertThat(Duration.between(certificate.notBefore(), renewAt))
                .isEqualTo(lifetime.multipliedBy(2).dividedBy(3));
    }

    @Test
    void aCaThatCannotBeAskedLeavesTwoThirds() {
        RenewalTimes times = new RenewalTimes(leaf -> {
            throw new java.io.IOException("connection refused");
        });
        assertThat(times.renewAt(certificate, certificate.notBefore())).isEqualTo(certificate.renewAt());
    }

    @Test
    void aWindowOfTheCaIsFollowedWhereverItLiesAndAskedForAgainAfterItsRetryAfter() {
        Instant now = certificate.notBefore().plus(Duration.ofHours(1));
        // Earlier than two thirds: a CA asks for an early renewal (a revocation is coming, say).
        Instant start = now.plus(Duration.ofHours(2));
        Instant end = start.plus(Duration.ofHours(10));
        AtomicInteger asked = new AtomicInteger();
        RenewalTimes times = new RenewalTimes(leaf -> {
            asked.incrementAndGet();
            return Optional.of(new RenewalTimes.Window(start, end, Optional.of(now.plus(Duration.ofHours(1)))));
        });
        Instant renewAt = times.renewAt(certificate, now);
        assertThat(renewAt).isBetween(start, end).isBefore(certificate.renewAt());
        // The same point while the window is known; the CA is not asked before its Retry-After.
        assertThat(times.renewAt(certificate, now.plus(Duration.ofMinutes(59)))).isEqualTo(renewAt);
        assertThat(asked).hasValue(1);
        times.renewAt(certificate, now.plus(Duration.ofHours(1)));
        assertThat(asked).hasValue(2);
    }

    @Test
    void withoutRetryAfterTheWindowIsAskedForAgainAfterSixHours() {
        Instant now = certificate.notBefore();
        AtomicInteger asked = new AtomicInteger();
        RenewalTimes times = new RenewalTimes(leaf -> {
            asked.incrementAndGet();
            return Optional.of(new RenewalTimes.Window(now, now, Optional.empty()));
        });
        assertThat(times.renewAt(certificate, now)).isEqualTo(now);
        times.renewAt(certificate, now.plus(RenewalTimes.ASK_AGAIN).minusSeconds(1));
        assertThat(asked).hasValue(1);
        times.renewAt(certificate, now.plus(RenewalTimes.ASK_AGAIN));
        assertThat(asked).hasValue(2);
    }
}
