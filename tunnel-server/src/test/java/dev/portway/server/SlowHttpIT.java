package dev.portway.server;

import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.testkit.HttpBackend;
import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * slowhttptest (Debian's package, installed by .ci/run) against the public HTTP listener of a real server: hundreds
 * of connections that send their request as slowly as they can must be cut by the server's timeouts while a request
 * through a tunnel is still answered, and the tool's probe never finds the service unavailable.
 */
@Timeout(120)
class SlowHttpIT {
    private static final String TOOL = "/usr/bin/slowhttptest";
    private static final String HOST = "app.tunnel.test";

    @TempDir
    Path dir;
    private TunnelFixture fixture;
    private HttpBackend backend;
    private int httpPort;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(TOOL)), "slowhttptest is not installed");
        fixture = new TunnelFixture();
        backend = new HttpBackend("app");
        httpPort = TunnelFixture.freePort();
        HttpConfig http = new HttpConfig("tunnel.test", httpPort, 0)
                .withLimits(32 * 1024, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(5))
                .withBodyIdleTimeout(Duration.ofSeconds(2));
        fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3).withHttp(http));
        fixture.connect("c1", new RecordingEvents(), new TunnelConfig("app", TunnelType.HTTP,
                new HostPort("127.0.0.1", backend.port()), 0,
                new HttpOptions("app", null, null, null, null, null, null, null), null));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fixture != null) {
            fixture.close();
            backend.close();
        }
    }

    @Test
    void slowHeadersAreCutAndTheListenerStaysAvailable() throws Exception {
        List<Stat> stats = attack("-H");
        assertThat(stats).isNotEmpty();
        assertThat(stats).allSatisfy(s -> assertThat(s.available()).as("second %d", s.second()).isTrue());
        assertThat(stats.get(stats.size() - 1).closed()).as("connections the server cut").isGreaterThan(100);
    }

    @Test
    void slowBodiesToATunnelAreCutAndTheListenerStaysAvailable() throws Exception {
        // Each body trickles in, a few bytes every 4 s: slower than http.bodyIdleTimeout (2 s) allows.
        List<Stat> stats = attack("-B", "-t", "POST", "-s", "100000", "-i", "4", "-u", "http://127.0.0.1:" + httpPort + "/");
        assertThat(stats).isNotEmpty();
        assertThat(stats).allSatisfy(s -> assertThat(s.available()).as("second %d", s.second()).isTrue());
        assertThat(stats.get(stats.size() - 1).closed()).as("connections the server cut").isGreaterThan(100);
    }

    /**
     * Runs the tool for 12 s with 400 connections at 200 per second, one header line per second each, while this test
     * sends requests through the tunnel; returns the tool's per-second statistics.
     */
    private List<Stat> attack(String mode, String... options) throws Exception {
        Path prefix = dir.resolve("slow");
        List<String> command = new java.util.ArrayList<>(List.of(TOOL, mode, "-c", "400", "-r", "200", "-i", "1",
                "-l", "12", "-p", "3", "-g", "-o", prefix.toString(), "-u", "http://127.0.0.1:" + httpPort + "/"));
        // Later options win: a case may change the interval, the target or add a body.
        command.addAll(List.of(options));
        Process tool = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(dir.resolve("tool.out").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int answered = 0;
            while (System.nanoTime() < deadline) {
                try (HttpWire wire = new HttpWire(httpPort)) {
                    HttpWire.Response response = wire.exchange(HttpWire.get(HOST, "/during-attack"));
                    assertThat(response.status()).isEqualTo(200);
                    answered++;
                }
                Thread.sleep(200);
            }
            assertThat(answered).isPositive();
            assertThat(tool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            tool.destroyForcibly();
        }
        return Stat.read(Path.of(prefix + ".csv"));
    }

    /** One row of the tool's CSV: Seconds, Closed, Pending, Connected, Service Available. */
    record Stat(int second, int closed, int pending, int connected, boolean available) {
        static List<Stat> read(Path csv) throws Exception {
            return Files.readAllLines(csv).stream().skip(1).filter(line -> !line.isBlank()).map(line -> {
                String[] f = line.split(",");
                return new Stat(Integer.parseInt(f[0].trim()), Integer.parseInt(f[1].trim()),
                        Integer.parseInt(f[2].trim()), Integer.parseInt(f[3].trim()), Integer.parseInt(f[4].trim()) > 0);
            }).toList();
        }
    }
}
