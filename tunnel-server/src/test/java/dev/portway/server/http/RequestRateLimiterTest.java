package dev.portway.server.http;

import dev.portway.protocol.control.RateLimit;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

class RequestRateLimiterTest {
    private static InetSocketAddress peer(String ip) {
        return new InetSocketAddress(ip, 50000);
    }

    @Test
    void eachAddressHasItsOwnAllowanceAndIsToldHowLongToWait() {
        RequestRateLimiter limiter = new RequestRateLimiter(RateLimit.parse("3/m"));
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.secondsToWait(peer("192.0.2.1"))).isZero();
        }
        assertThat(limiter.secondsToWait(peer("192.0.2.1"))).isBetween(1L, 20L);
        assertThat(limiter.secondsToWait(peer("192.0.2.2"))).as("another address").isZero();
    }

    @Test
    void anIpv6ClientCountsByItsSlash64() {
        RequestRateLimiter limiter = new RequestRateLimiter(RateLimit.parse("1/h"));
        assertThat(limiter.secondsToWait(peer("2001:db8:1:2::1"))).isZero();
        assertThat(limiter.secondsToWait(peer("2001:db8:1:2::ffff"))).isPositive();
        assertThat(limiter.secondsToWait(peer("2001:db8:1:3::1"))).isZero();
    }

    @Test
    void limitsAreWrittenPerSecondMinuteOrHour() {
        assertThat(RateLimit.parse("100/s")).isEqualTo(new RateLimit(100, 1));
        assertThat(RateLimit.parse("600 / m")).isEqualTo(new RateLimit(600, 60));
        assertThat(RateLimit.parse("10000/H")).isEqualTo(new RateLimit(10000, 3600));
        assertThat(new RateLimit(0, 1).problem()).contains("1 to 1000000");
        assertThat(new RateLimit(5, 7).problem()).contains("a second, a minute or an hour");
    }
}
