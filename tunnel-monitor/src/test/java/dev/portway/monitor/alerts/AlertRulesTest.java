package dev.portway.monitor.alerts;

import dev.portway.monitor.MeterReadings;
import dev.portway.monitor.QuotaEvent;
import dev.portway.monitor.micrometer.PrometheusMetrics;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules against real meters (the Prometheus registry the server uses), evaluated on a hand-moved clock: each
 * alert instance is announced once when it fires and once when it resolves, however many evaluations lie between.
 */
class AlertRulesTest {
    private final PrometheusMetrics metrics = new PrometheusMetrics();
    private final MovableClock clock = new MovableClock();
    private final List<AlertNotification> sent = new ArrayList<>();

    @AfterEach
    void close() {
        metrics.close();
    }

    private AlertEvaluator evaluator(AlertRule... rules) {
        return new AlertEvaluator(metrics.readings(), List.of(rules), List.of(sent::add), clock);
    }

    private void runFor(AlertEvaluator evaluator, Duration total, Duration step) {
        for (Duration d = Duration.ZERO; d.compareTo(total) < 0; d = d.plus(step)) {
            clock.advance(step);
            evaluator.run();
        }
    }

    @Test
    void offlineClientFiresOnceAfterItsForDurationAndResolvesOnceWhenBack() {
        AlertEvaluator evaluator = evaluator(AbsenceRule.clientOffline(Duration.ofMinutes(2), Duration.ofHours(1)));
        metrics.recorder().clientConnected("c1");
        runFor(evaluator, Duration.ofMinutes(1), Duration.ofSeconds(15));
        metrics.recorder().clientDisconnected("c1");
        runFor(evaluator, Duration.ofSeconds(105), Duration.ofSeconds(15));
        assertThat(sent).as("pending, not yet 2 minutes").isEmpty();
        assertThat(evaluator.firing()).as("pending is not firing").isEmpty();
        runFor(evaluator, Duration.ofMinutes(5), Duration.ofSeconds(15));
        assertThat(sent).hasSize(1);
        AlertNotification firing = sent.get(0);
        assertThat(evaluator.firing()).containsExactly(new FiringAlert("PortwayClientOffline", "warning",
                Map.of("client", "c1"), firing.summary(), firing.startsAt()));
        assertThat(firing.alert()).isEqualTo("PortwayClientOffline");
        assertThat(firing.state()).isEqualTo(AlertState.FIRING);
        assertThat(firing.labels()).isEqualTo(Map.of("client", "c1"));
        assertThat(firing.endsAt()).isNull();

        metrics.recorder().clientConnected("c1");
        runFor(evaluator, Duration.ofMinutes(5), Duration.ofSeconds(15));
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).state()).isEqualTo(AlertState.RESOLVED);
        assertThat(sent.get(1).startsAt()).isEqualTo(firing.startsAt());
        assertThat(sent.get(1).endsAt()).isAfter(firing.startsAt());
        assertThat(evaluator.firing()).isEmpty();
    }

    @Test
    void aBlipShorterThanForIsNeverAnnounced() {
        AlertEvaluator evaluator = evaluator(AbsenceRule.tunnelDown(Duration.ofMinutes(2), Duration.ofHours(1)));
        metrics.recorder().tunnelOpened("web", "alice", "tcp");
        runFor(evaluator, Duration.ofSeconds(30), Duration.ofSeconds(15));
        metrics.recorder().tunnelClosed("web", "alice", "tcp");
        runFor(evaluator, Duration.ofMinutes(1), Duration.ofSeconds(15));
        metrics.recorder().tunnelOpened("web", "alice", "tcp");
        runFor(evaluator, Duration.ofMinutes(10), Duration.ofSeconds(15));
        assertThat(sent).isEmpty();
    }

    @Test
    void somethingGoneLongerThanTheLookbackResolves() {
        AlertEvaluator evaluator = evaluator(AbsenceRule.clientOffline(Duration.ZERO, Duration.ofMinutes(10)));
        metrics.recorder().clientConnected("c1");
        evaluator.run();
        metrics.recorder().clientDisconnected("c1");
        runFor(evaluator, Duration.ofMinutes(30), Duration.ofMinutes(1));
        assertThat(sent).extracting(AlertNotification::state).containsExactly(AlertState.FIRING, AlertState.RESOLVED);
    }

    @Test
    void slowHttpTunnelFiresWhenItsP95IsAboveTheThreshold() {
        AlertEvaluator evaluator = evaluator(new HttpLatencyRule(Duration.ofSeconds(1), Duration.ofMinutes(5),
                Duration.ofMinutes(2)));
        evaluator.run();
        for (int minute = 0; minute < 4; minute++) {
            for (int i = 0; i < 90; i++) {
                metrics.recorder().httpRequest("fast", "GET", 200, Duration.ofMillis(20).toNanos());
                metrics.recorder().httpRequest("slow", "GET", 200, Duration.ofMillis(20).toNanos());
            }
            for (int i = 0; i < 10; i++) {
                metrics.recorder().httpRequest("fast", "GET", 200, Duration.ofMillis(900).toNanos());
                metrics.recorder().httpRequest("slow", "POST", 200, Duration.ofSeconds(3).toNanos());
            }
            runFor(evaluator, Duration.ofMinutes(1), Duration.ofSeconds(15));
        }
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).alert()).isEqualTo("PortwayHttpLatencyHigh");
        assertThat(sent.get(0).labels()).isEqualTo(Map.of("tunnel", "slow"));
        assertThat(sent.get(0).summary()).contains("p95 latency");

        // Only fast requests now: once the slow ones leave the 5 minute window, the alert resolves.
        for (int minute = 0; minute < 7; minute++) {
            metrics.recorder().httpRequest("slow", "GET", 200, Duration.ofMillis(20).toNanos());
            runFor(evaluator, Duration.ofMinutes(1), Duration.ofSeconds(15));
        }
        assertThat(sent).extracting(AlertNotification::state).containsExactly(AlertState.FIRING, AlertState.RESOLVED);
    }

    @Test
    void errorRateAboveFivePercentFiresForTheFailingTunnelOnly() {
        AlertEvaluator evaluator = evaluator(new HttpErrorRateRule(0.05, Duration.ofMinutes(5), Duration.ofMinutes(1)));
        evaluator.run();
        for (int i = 0; i < 100; i++) {
            metrics.recorder().httpRequest("api", "GET", i < 10 ? 502 : 200, 1_000_000);
            metrics.recorder().httpRequest("site", "GET", i < 3 ? 500 : 200, 1_000_000);
        }
        runFor(evaluator, Duration.ofMinutes(2), Duration.ofSeconds(15));
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).labels()).isEqualTo(Map.of("tunnel", "api"));
        assertThat(sent.get(0).summary()).contains("10.0 %");
    }

    @Test
    void quotaWarningFiresAtOnceAndResolvesWhenItLeavesTheWindow() {
        AlertEvaluator evaluator = evaluator(new QuotaNearlyUsedRule(Duration.ofHours(1), Duration.ZERO));
        evaluator.run();
        metrics.recorder().quotaEvent(QuotaEvent.TRAFFIC_NEARLY_USED);
        runFor(evaluator, Duration.ofMinutes(30), Duration.ofMinutes(1));
        assertThat(sent).extracting(AlertNotification::state).containsExactly(AlertState.FIRING);
        runFor(evaluator, Duration.ofMinutes(40), Duration.ofMinutes(1));
        assertThat(sent).extracting(AlertNotification::state).containsExactly(AlertState.FIRING, AlertState.RESOLVED);
    }

    @Test
    void anUsedUpAllowanceFiresOnItsOwn() {
        AlertEvaluator evaluator = evaluator(new QuotaNearlyUsedRule(Duration.ofHours(1), Duration.ZERO));
        evaluator.run();
        metrics.recorder().quotaEvent(QuotaEvent.TRAFFIC_EXCEEDED);
        runFor(evaluator, Duration.ofMinutes(2), Duration.ofMinutes(1));
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).labels()).isEqualTo(Map.of("kind", "traffic_exceeded"));
        assertThat(sent.get(0).summary()).contains("used all the traffic");
    }

    @Test
    void aFailingRenewalFiresOnceAndResolvesWhenARenewalSucceeds() {
        AlertEvaluator evaluator = evaluator(new CertificateRule());
        Instant later = clock.instant().plus(Duration.ofDays(30));
        metrics.recorder().certificate("www.example.test", later, 1);
        runFor(evaluator, Duration.ofMinutes(5), Duration.ofSeconds(15));
        metrics.recorder().certificate("www.example.test", later, 4);
        runFor(evaluator, Duration.ofMinutes(5), Duration.ofSeconds(15));
        assertThat(sent).singleElement().satisfies(alert -> {
            assertThat(alert.labels()).isEqualTo(Map.of("certificate", "www.example.test", "problem",
                    "renewal_failing"));
            assertThat(alert.summary()).startsWith("renewal failing: www.example.test");
        });
        metrics.recorder().certificate("www.example.test", later.plus(Duration.ofDays(60)), 0);
        runFor(evaluator, Duration.ofMinutes(1), Duration.ofSeconds(15));
        assertThat(sent).extracting(AlertNotification::state).containsExactly(AlertState.FIRING, AlertState.RESOLVED);
    }

    @Test
    void aCertificateFiresOnceWhenLessThan14DaysAreLeft() {
        AlertEvaluator evaluator = evaluator(new CertificateRule());
        metrics.recorder().certificate("www.example.test", clock.instant().plus(Duration.ofDays(14))
                .plus(Duration.ofMinutes(10)), 0);
        runFor(evaluator, Duration.ofMinutes(5), Duration.ofMinutes(1));
        assertThat(sent).isEmpty();
        runFor(evaluator, Duration.ofMinutes(30), Duration.ofMinutes(1));
        assertThat(sent).singleElement().satisfies(alert -> {
            assertThat(alert.labels()).containsEntry("problem", "expiring");
            assertThat(alert.summary()).startsWith("certificate expiring within 14 days: www.example.test");
        });
    }

    @Test
    void quantileInterpolatesLikePrometheus() {
        double[] bounds = {0.1, 1, 10};
        // 100 requests: 50 up to 0.1 s, 40 up to 1 s, 10 up to 10 s. p95 lies halfway through the last bucket.
        double p95 = HttpLatencyRule.quantile(0.95,
                new MeterReadings.HttpTotals(bounds, new long[] {50, 90, 100}, 100, 0));
        assertThat(p95).isCloseTo(5.5, Offset.offset(1e-9));
    }

    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
