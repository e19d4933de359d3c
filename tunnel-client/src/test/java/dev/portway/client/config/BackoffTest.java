package dev.portway.client.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    @Test
    void withoutJitterTheDelayGrowsByTheFactorUpToTheMaximum() {
        Backoff backoff = new Backoff(new ReconnectConfig(Duration.ofSeconds(1), Duration.ofSeconds(60), 2.0, false),
                new Random(1));
        assertThat(backoff.delay(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(5)).isEqualTo(Duration.ofSeconds(32));
        assertThat(backoff.delay(6)).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.delay(10_000)).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void fullJitterDrawsUniformlyBetweenZeroAndTheCeiling() {
        Backoff backoff = new Backoff(ReconnectConfig.DEFAULTS, new Random(42));
        for (int attempt = 0; attempt < 20; attempt++) {
            Duration ceiling = backoff.ceiling(attempt);
            for (int i = 0; i < 200; i++) {
                assertThat(backoff.delay(attempt)).isBetween(Duration.ZERO, ceiling);
            }
        }
        // Uniform over [0, 8s]: the mean of many draws lands near 4s, far from the ceiling.
        long sum = 0;
        int draws = 10_000;
        for (int i = 0; i < draws; i++) {
            sum += backoff.delay(30).toMillis();
        }
        assertThat(sum / draws).isBetween(3_700L, 4_300L);
    }

    @Test
    void sameSeedGivesTheSameSequence() {
        Backoff a = new Backoff(ReconnectConfig.DEFAULTS, new Random(7));
        Backoff b = new Backoff(ReconnectConfig.DEFAULTS, new Random(7));
        for (int attempt = 0; attempt < 10; attempt++) {
            assertThat(a.delay(attempt)).isEqualTo(b.delay(attempt));
        }
    }
}
