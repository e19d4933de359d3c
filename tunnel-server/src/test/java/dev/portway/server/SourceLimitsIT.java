package dev.portway.server;

import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.config.LimitsConfig;
import dev.portway.server.testkit.HttpBackend;
import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.PatternStream;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Scrape;
import dev.portway.server.testkit.StallingFlood;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 10,000 slow connections from one address, against a real server with the default limits: each sends the start of
 * a request (an HTTP head without its end, or the first bytes of a TLS ClientHello) and stalls. The server keeps as
 * many as the address may hold and resets the rest at accept; meanwhile a client from another address connects,
 * registers an http tunnel and serves a download whose bytes are checked by SHA-256.
 *
 * <p>127.0.0.2 is loopback too on Linux: the attack comes from there, the real client and its public peer from
 * 127.0.0.1. Descriptors: a refused connection is closed at once on both sides, so the test JVM holds about
 * 2 x (ceiling + {@link StallingFlood#IN_FLIGHT}) of them at the peak, not 10,000 (the JVM raises its soft limit to
 * the hard one at start).
 */
class SourceLimitsIT {
    private static final int ATTACK = 10_000;
    private static final String HOST = "app.tunnel.test";
    private static final String REFUSED_PUBLIC = "portway_public_connections_total{reason=\"source_limit\",result=\"refused\"}";
    private static final String REFUSED_CONTROL = "portway_auth_failures_total{reason=\"source_limit\"}";
    private static final InetAddress ATTACKER = address("127.0.0.2");

    private final TunnelFixture fixture = new TunnelFixture();
    private final HttpBackend backend = new HttpBackend("app");
    private int httpPort;

    SourceLimitsIT() throws Exception {
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        backend.close();
    }

    @Test
    @Timeout(60)
    void slowHttpConnectionsAreCappedAtConnectionsPerSourceAndATunnelStillServes() throws Exception {
        startServer(Duration.ofSeconds(10));
        int cap = LimitsConfig.DEFAULT_CONNECTIONS_PER_SOURCE;
        byte[] head = ("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n").getBytes(StandardCharsets.US_ASCII);
        try (StallingFlood flood = StallingFlood.start(ATTACKER, new InetSocketAddress("127.0.0.1", httpPort), ATTACK,
                head)) {
            assertCapped(flood, cap, REFUSED_PUBLIC);
            assertATunnelServes();
            // Still held: the header timeout (30 s) has not run out, and serving the tunnel freed none of them.
            assertThat(flood.open()).as(flood.toString()).isEqualTo(cap);
        }
    }

    @Test
    @Timeout(60)
    void slowControlConnectionsAreCappedAtHandshakesPerSourceAndAClientStillConnects() throws Exception {
        // Long enough that no stalled handshake times out, and frees its place, while the attack runs.
        startServer(Duration.ofSeconds(50));
        // A connection that never finishes TLS counts against both ceilings; the handshake one is the lower.
        int cap = LimitsConfig.DEFAULT_HANDSHAKES_PER_SOURCE;
        // A TLS 1.2 record header announcing a 512-byte ClientHello, and the hello's own first bytes.
        byte[] clientHelloStart = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
        try (StallingFlood flood = StallingFlood.start(ATTACKER, fixture.controlAddress(), ATTACK, clientHelloStart)) {
            assertCapped(flood, cap, REFUSED_CONTROL);
            assertATunnelServes();
            assertThat(flood.open()).as(flood.toString()).isEqualTo(cap);
        }
    }

    private void startServer(Duration handshakeTimeout) throws Exception {
        long descriptors = ((com.sun.management.UnixOperatingSystemMXBean)
                ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        // About 2 x (1024 + 128) at the peak (see the class comment), with room for the rest of the JVM.
        assertThat(descriptors).as("open files the test JVM may hold (ulimit -n)").isGreaterThanOrEqualTo(4096);
        httpPort = TunnelFixture.freePort();
        fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3, handshakeTimeout)
                .withHttp(new HttpConfig("tunnel.test", httpPort, 0))
                .withLimits(LimitsConfig.DEFAULTS));
    }

    /** The address keeps exactly {@code cap} connections and the server reset and counted every other one. */
    private void assertCapped(StallingFlood flood, int cap, String refusedSeries) throws Exception {
        assertThat(flood.failed()).as(flood.toString()).isZero();
        Scrape refused = Scrape.until(fixture.server().adminAddress(), s -> s.value(refusedSeries) >= ATTACK - cap);
        assertThat(refused.value(refusedSeries)).isEqualTo(ATTACK - cap);
        assertThat(flood.awaitOpenAtMost(cap, 10_000)).as(flood.toString()).isEqualTo(cap);
        assertThat(flood.closedByServer()).as(flood.toString()).isEqualTo(ATTACK - cap);
        System.out.printf("SourceLimitsIT: %d connections from %s, %d held, %d reset at accept%n", ATTACK,
                ATTACKER.getHostAddress(), flood.open(), flood.closedByServer());
    }

    private void assertATunnelServes() throws Exception {
        TunnelResult.Status status = fixture.connect("legit", new RecordingEvents(), new TunnelConfig("app",
                TunnelType.HTTP, new HostPort("127.0.0.1", backend.port()), 0,
                new HttpOptions("app", null, null, null, null, null, null, null), null)).get(0);
        assertThat(status.accepted()).as(status.reason()).isTrue();
        long size = 4L * 1024 * 1024;
        try (HttpWire wire = new HttpWire(httpPort)) {
            wire.send(HttpWire.get(HOST, "/download?bytes=" + size + "&seed=17"));
            HttpWire.Response head = wire.readHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(wire.readBodySha256(size)).isEqualTo(PatternStream.sha256(17, size));
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
