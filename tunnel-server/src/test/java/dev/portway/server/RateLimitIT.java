package dev.portway.server;

import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.RateLimit;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.testkit.HttpBackend;
import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Scrape;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A tunnel's {@code rateLimit} over real sockets: the requests over it get 429 with Retry-After, counted as a limit. */
@Timeout(60)
class RateLimitIT {
    private final TunnelFixture fixture;

    RateLimitIT() throws IOException {
        fixture = new TunnelFixture();
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
    }

    @Test
    void requestsOverTheLimitOfOneAddressAreAnswered429WithRetryAfter() throws Exception {
        int httpPort = TunnelFixture.freePort();
        fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                .withHttp(new HttpConfig("tunnel.test", httpPort, 0)));
        try (HttpBackend backend = new HttpBackend("limited")) {
            TunnelConfig limited = new TunnelConfig("limited", TunnelType.HTTP,
                    new HostPort("127.0.0.1", backend.port()), 0, new HttpOptions("limited", null, null, null, null,
                    null, null, null, RateLimit.parse("3/m")), null);
            assertThat(fixture.connect("limited", new RecordingEvents(), limited).get(0).accepted()).isTrue();

            try (HttpWire wire = new HttpWire(httpPort)) {
                for (int i = 0; i < 3; i++) {
                    assertThat(wire.exchange(HttpWire.get("limited.tunnel.test", "/" + i)).text())
                            .contains("backend: limited");
                }
                HttpWire.Response refused = wire.exchange(HttpWire.get("limited.tunnel.test", "/3"));
                assertThat(refused.status()).isEqualTo(429);
                assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 20L);
                assertThat(refused.text()).contains("takes no more requests from you right now");
            }
            assertThat(backend.connectionsAccepted()).isEqualTo(1);
            Scrape.until(fixture.server().adminAddress(), s ->
                    Double.valueOf(1).equals(s.value("portway_public_connections_total{reason=\"limit\",result=\"refused\"}")));
        }
    }
}
