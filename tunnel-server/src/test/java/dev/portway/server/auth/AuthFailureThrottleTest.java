package dev.portway.server.auth;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class AuthFailureThrottleTest {
    private final AtomicLong clock = new AtomicLong();
    private final AuthFailureThrottle throttle = new AuthFailureThrottle(clock::get);
    private final InetAddress attacker = InetAddress.getLoopbackAddress();

    @Test
    void aFewFailuresCostNothingThenTheDelayDoublesUpToTheCap() {
        assertThat(throttle.recordFailure(attacker)).isZero();
        assertThat(throttle.recordFailure(attacker)).isZero();
        assertThat(throttle.recordFailure(attacker)).isZero();
        assertThat(throttle.recordFailure(attacker)).isEqualTo(Duration.ofMillis(500));
        assertThat(throttle.recordFailure(attacker)).isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.recordFailure(attacker)).isEqualTo(Duration.ofSeconds(2));
        for (int i = 0; i < 20; i++) {
            throttle.recordFailure(attacker);
        }
        assertThat(throttle.recordFailure(attacker)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void successAndTimeForgiveFailures() throws Exception {
        for (int i = 0; i < 5; i++) {
            throttle.recordFailure(attacker);
        }
        throttle.recordSuccess(attacker);
        assertThat(throttle.recordFailure(attacker)).isZero();

        for (int i = 0; i < 5; i++) {
            throttle.recordFailure(attacker);
        }
        clock.addAndGet(Duration.ofMinutes(11).toNanos());
        assertThat(throttle.recordFailure(attacker)).isZero();

        InetAddress other = InetAddress.getByName("192.0.2.1");
        assertThat(throttle.recordFailure(other)).isZero();
    }
}
