package dev.portway.server.limits;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LogLimiterTest {
    private final AtomicLong now = new AtomicLong();
    private final LogLimiter limiter = new LogLimiter(2, 1000, now::get);

    @Test
    void letsThePermitsThroughThenHoldsBackAndCountsTheRest() {
        assertThat(limiter.acquire()).isZero();
        assertThat(limiter.acquire()).isZero();
        assertThat(limiter.acquire()).isEqualTo(-1);
        assertThat(limiter.acquire()).isEqualTo(-1);
    }

    @Test
    void theFirstLineOfANewWindowSaysHowManyWereHeldBack() {
        for (int i = 0; i < 5; i++) {
            limiter.acquire();
        }
        now.addAndGet(1000);
        assertThat(limiter.acquire()).isEqualTo(3);
        assertThat(limiter.acquire()).isZero();
        assertThat(limiter.acquire()).isEqualTo(-1);
    }
}
