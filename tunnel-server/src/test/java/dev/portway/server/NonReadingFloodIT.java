package dev.portway.server;

import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.JavaProcess;
import dev.portway.server.testkit.NonReadingFlood;
import dev.portway.server.testkit.PeakSampler;
import dev.portway.server.testkit.ProcessMemory;
import dev.portway.server.testkit.Processes;
import dev.portway.server.testkit.RawClient;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.testkit.Wire;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.TimeUnit;

import static dev.portway.server.testkit.ProcessMemory.mib;
import static dev.portway.server.testkit.TunnelFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Peers that send and never read, against a server in its own JVM as a user runs it: one pipelines HTTP requests
 * that the server answers itself (404), one floods PINGs on an authenticated control connection. Each sends for up to
 * {@link #MAX_BYTES} or {@link #MAX_TIME}; the server must cut each one, with its direct memory (Netty's allocators,
 * sampled from its /metrics while the flood runs) within {@link #DIRECT_BOUND} of what it held before, and its RSS
 * flat. The figures are printed ({@code NonReadingFloodIT:} lines) so that they can be quoted; RSS is only held to a
 * generous bound, as a JVM's RSS moves with its heap and collector whatever the peer does.
 */
@Timeout(120)
class NonReadingFloodIT {
    private static final long MAX_BYTES = 200L * 1024 * 1024;
    private static final Duration MAX_TIME = Duration.ofSeconds(20);
    private static final long DIRECT_BOUND = 64L * 1024 * 1024;
    private static final long RSS_BOUND = 256L * 1024 * 1024;
    /**
     * The server stops reading a pipeliner while its answers wait; the idle timeout then cuts it (docs/security.md).
     * Shorter than the default 60 s so that the cut falls within {@link #MAX_TIME}.
     */
    private static final String IDLE_TIMEOUT = "5s";

    private static JavaProcess server;
    private static InetSocketAddress control;
    private static int httpPort;
    private static ProcessMemory memory;

    @BeforeAll
    static void startServer() throws Exception {
        assumeTrue(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self")), "RSS is read from /proc");
        httpPort = TunnelFixture.freePort();
        server = Processes.server(0, """
                domain: tunnel.test
                http: {port: %d, idleTimeout: %s}
                https: {port: 0}
                admin: {enabled: true, bind: 127.0.0.1, port: 0}
                """.formatted(httpPort, IDLE_TIMEOUT));
        control = new InetSocketAddress("127.0.0.1", portAtEnd(server.awaitLine("Portway server", WAIT)));
        String metrics = server.awaitLine("Metrics: ", WAIT);
        int adminPort = portAtEnd(metrics.substring(0, metrics.length() - "/metrics".length()));
        memory = new ProcessMemory(server.pid(), new InetSocketAddress("127.0.0.1", adminPort));
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPipelinerThatNeverReadsIsCutWithMemoryFlat() throws Exception {
        // Each 404 names the host, so every answer is larger than its request.
        byte[] request = HttpWire.get("x".repeat(500) + ".nowhere.test", "/").getBytes(StandardCharsets.US_ASCII);
        byte[] burst = Wire.concat(Collections.nCopies(64, request).toArray(byte[][]::new));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel peer = NonReadingFlood.connect(group, new InetSocketAddress("127.0.0.1", httpPort));
            measure("HTTP pipeliner (404s)", () -> NonReadingFlood.flood(peer, burst, MAX_BYTES, MAX_TIME));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aPingFlooderThatNeverReadsIsCutWithMemoryFlat() throws Exception {
        byte[] burst = Wire.concat(Collections.nCopies(2048, Wire.ping(7)).toArray(byte[][]::new));
        try (RawClient client = RawClient.authenticated(control, TunnelFixture.TOKEN, "flooder")) {
            measure("PING flooder (control, authenticated)", () -> client.flood(burst, MAX_BYTES, MAX_TIME));
        }
    }

    private interface Flood {
        NonReadingFlood.Result run() throws Exception;
    }

    private static void measure(String peer, Flood flood) throws Exception {
        ProcessMemory.Sample before = memory.sample();
        NonReadingFlood.Result result;
        long peakDirect;
        try (PeakSampler direct = memory.watchDirect()) {
            result = flood.run();
            peakDirect = direct.peak();
        }
        ProcessMemory.Sample after = memory.sample();
        System.out.printf("NonReadingFloodIT: %s: %s%n  before: %s%n  after:  %s%n  peak Netty direct during the "
                + "flood: %.1f MiB (%+.1f MiB over before)%n", peer, result, before, after, mib(peakDirect),
                mib(peakDirect - before.direct()));
        assertThat(result.cut()).as(result.toString()).isTrue();
        assertThat(peakDirect - before.direct()).as("direct memory over the baseline").isLessThan(DIRECT_BOUND);
        assertThat(after.rss() - before.rss()).as("RSS growth").isLessThan(RSS_BOUND);
    }

    private static int portAtEnd(String line) {
        return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
    }
}
