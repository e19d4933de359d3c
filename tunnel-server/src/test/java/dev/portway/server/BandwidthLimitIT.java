package dev.portway.server;

import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client.yaml {@code bandwidthLimit} over real sockets: a tunnel limited to 1 MiB/s each way carries every byte of an
 * echo, and takes at least as long as the limit allows; two connections share one tunnel's limit. Only the lower
 * bound is a property of the limit; how much longer it takes depends on the machine, so the upper bound is loose.
 */
@Timeout(120)
class BandwidthLimitIT {
    private static final long LIMIT = 1 << 20;
    private final TunnelFixture fixture;

    BandwidthLimitIT() throws IOException {
        fixture = new TunnelFixture();
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
    }

    @Test
    void aLimitedTunnelCarriesEveryByteAtNoMoreThanItsLimit() throws Exception {
        fixture.startServer();
        try (EchoServer echo = new EchoServer()) {
            TunnelConfig limited = TunnelFixture.tcp("limited", echo.port(), 0).withBandwidthLimit(LIMIT);
            List<TunnelResult.Status> statuses = fixture.connect("limited", new RecordingEvents(), limited);
            int port = TunnelFixture.port(statuses.get(0));

            long started = System.nanoTime();
            Wire.Exchange alone = Wire.echo(port, 4 * LIMIT, 21);
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(alone.receivedSha256()).isEqualTo(alone.sentSha256());
            assertThat(alone.received()).isEqualTo(4 * LIMIT);
            // A second's burst, then the limit: 4 MiB each way needs at least 3 s.
            assertThat(seconds).isBetween(2.8, 30.0);

            started = System.nanoTime();
            CompletableFuture<Wire.Exchange> one = CompletableFuture.supplyAsync(() -> echo(port, 2 * LIMIT, 22));
            CompletableFuture<Wire.Exchange> two = CompletableFuture.supplyAsync(() -> echo(port, 2 * LIMIT, 23));
            Wire.Exchange first = one.join();
            Wire.Exchange second = two.join();
            seconds = (System.nanoTime() - started) / 1e9;
            assertThat(first.receivedSha256()).isEqualTo(first.sentSha256());
            assertThat(second.receivedSha256()).isEqualTo(second.sentSha256());
            assertThat(seconds).as("two connections share the tunnel's limit").isBetween(2.8, 30.0);
            System.out.printf("bandwidthLimit 1MB: 4 MiB echo alone, then 2 x 2 MiB together, %.1f s%n", seconds);
        }
    }

    private static Wire.Exchange echo(int port, long bytes, long seed) {
        try {
            return Wire.echo(port, bytes, seed);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
