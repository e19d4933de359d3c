package dev.portway.server.endings;

import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.config.LimitsConfig;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.config.UdpConfig;
import dev.portway.server.endings.Peer.Ending;
import dev.portway.server.endings.Peer.Received;
import dev.portway.server.testkit.HttpBackend;
import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Scrape;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.UdpEchoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.portway.server.testkit.TunnelFixture.port;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code limits.streamsPerUser} and {@code limits.udpFlowsPerUser} at 3, against one user's tcp, http and udp tunnels
 * on a real server and client: what goes over the ceiling is refused (RST, 429, a dropped datagram), what is under it
 * carries every byte (SHA-256) and ends as the endings table says, and every kind of ending gives its unit back.
 */
@Timeout(120)
class UserCeilingsIT {
    private static final int CEILING = 3;
    private static final String WEB_HOST = "web.ceilings.test";
    private static final String REFUSED = "portway_public_connections_total{reason=\"limit\",result=\"refused\"}";
    private static final String FLOWS = "portway_udp_flows";
    private static final String NO_FLOW = "portway_udp_datagrams_dropped_total{reason=\"no_flow\"}";

    private final TunnelFixture fixture = new TunnelFixture();
    private final ScriptedService service = new ScriptedService(true);
    private final UdpEchoServer echo = new UdpEchoServer();
    private HttpBackend web;
    private int tcpPort;
    private int udpPort;
    private int httpPort;
    private long nextTag;

    /** A public connection the server admitted, and the local service's end of it. */
    private record Admitted(Peer publicPeer, Peer local) {
    }

    UserCeilingsIT() throws IOException {
    }

    @BeforeEach
    void setUp() throws Exception {
        web = new HttpBackend("web");
        httpPort = TunnelFixture.freePort();
        LimitsConfig limits = new LimitsConfig(LimitsConfig.DEFAULT_CONNECTIONS_PER_SOURCE,
                LimitsConfig.DEFAULT_HANDSHAKES_PER_SOURCE, LimitsConfig.DEFAULT_SESSIONS_PER_USER,
                LimitsConfig.DEFAULT_TUNNELS_PER_USER, CEILING, CEILING);
        ServerConfig config = fixture.serverConfig(0, Duration.ofSeconds(10), 3).withLimits(limits)
                .withHttp(new HttpConfig("ceilings.test", httpPort, 0))
                .withUdp(new UdpConfig(Duration.ofSeconds(3), UdpConfig.DEFAULT_MAX_DATAGRAM));
        fixture.startServer(config);
        List<TunnelResult.Status> statuses = fixture.connect("c1", new RecordingEvents(),
                new TunnelConfig("raw", TunnelType.TCP, new HostPort("127.0.0.1", service.port()), 0),
                new TunnelConfig("web", TunnelType.HTTP, new HostPort("127.0.0.1", web.port()), 0,
                        new HttpOptions("web", null, null, null, null, null, null, null), null),
                new TunnelConfig("dns", TunnelType.UDP, new HostPort("127.0.0.1", echo.port()), 0));
        for (TunnelResult.Status status : statuses) {
            assertThat(status.accepted()).as(status.reason()).isTrue();
        }
        tcpPort = port(statuses.get(0));
        udpPort = port(statuses.get(2));
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        service.close();
        echo.close();
        web.close();
    }

    @Test
    void theFourthConnectionIsResetAndOnceTheFirstThreeEndedNewOnesAreServed() throws Exception {
        for (int round = 0; round < 3; round++) {
            List<Admitted> held = admitCeiling();
            assertRefused();
            for (int i = 0; i < held.size(); i++) {
                Admitted a = held.get(i);
                Scenario.PUBLIC_FIRST.run(a.publicPeer(), a.local(), 256 * 1024 + 17L * i, round * 10L + i)
                        .assertComplete();
            }
        }
        assertThat(Scrape.of(fixture.server().adminAddress()).value(REFUSED)).isEqualTo(3.0);
    }

    @Test
    void afterManyConnectionsEndedEveryWayTheCountIsBackToZero() throws Exception {
        for (int i = 0; i < 90; i++) {
            Admitted a = admit();
            switch (i % 3) {
                case 0 -> Scenario.values()[i % Scenario.values().length]
                        .run(a.publicPeer(), a.local(), 1000 + i, i).assertComplete();
                case 1 -> Cut.PUBLIC.run(a.publicPeer(), a.local(), 2L * 1024 * 1024, i);
                default -> Cut.LOCAL.run(a.publicPeer(), a.local(), 2L * 1024 * 1024, i);
            }
            if (i % 10 == 0) {
                assertRefusedWhileHolding();
            }
        }
        // Exactly the ceiling fits again: a single unit left behind would refuse the third.
        List<Admitted> held = admitCeiling();
        assertRefused();
        for (Admitted a : held) {
            Scenario.LOCAL_FIRST.run(a.publicPeer(), a.local(), 4096, 7).assertComplete();
        }
    }

    @Test
    void httpRequestsShareTheCeilingWithTcpAndAreAnswered429OverIt() throws Exception {
        List<Admitted> held = admitCeiling();
        try (HttpWire wire = new HttpWire(httpPort)) {
            HttpWire.Response busy = wire.exchange(HttpWire.get(WEB_HOST, "/"));
            assertThat(busy.status()).isEqualTo(429);
            assertThat(busy.header("Retry-After")).isEqualTo("1");
            assertThat(busy.text()).contains("takes no more requests from you right now");
            assertThat(web.connectionsAccepted()).as("the refused request reached no local service").isZero();

            Scenario.PUBLIC_FIRST.run(held.get(0).publicPeer(), held.get(0).local(), 70_000, 1).assertComplete();
            // The same keep-alive connection is served once a unit is back; it then holds the stream it opened.
            HttpWire.Response served = awaitServed(wire);
            assertThat(served.text()).contains("backend: web");
            assertRefused();
        }
        // Closing the web connection ends its stream, and a TCP connection fits again.
        Admitted third = admit();
        assertRefused();
        for (Admitted a : List.of(held.get(1), held.get(2), third)) {
            Scenario.BOTH_AT_ONCE.run(a.publicPeer(), a.local(), 100_000, 3).assertComplete();
        }
        assertThat(Scrape.of(fixture.server().adminAddress()).value(REFUSED)).isGreaterThanOrEqualTo(3.0);
    }

    @Test
    void aFourthUdpPeerGetsNoFlowAndOnceTheFlowsExpiredNewPeersAreServed() throws Exception {
        InetSocketAddress admin = fixture.server().adminAddress();
        for (int round = 0; round < 2; round++) {
            List<DatagramSocket> peers = new ArrayList<>();
            try {
                for (int i = 0; i < CEILING + 1; i++) {
                    peers.add(udpPeer());
                }
                for (int i = 0; i < CEILING; i++) {
                    byte[] payload = payload(1200 + i, round * 10L + i);
                    assertThat(roundTrip(peers.get(i), payload)).as("peer %d's echo", i).isEqualTo(payload);
                }
                Scrape.until(admin, s -> Double.valueOf(CEILING).equals(s.value(FLOWS)));
                int reachedService = echo.received();
                double droppedBefore = valueOrZero(Scrape.of(admin), NO_FLOW);
                DatagramSocket fourth = peers.get(CEILING);
                for (int attempt = 0; attempt < 5; attempt++) {
                    fourth.send(new DatagramPacket(new byte[64], 64, udpTarget()));
                    assertThat(receive(fourth)).as("a reply to the peer over the ceiling").isNull();
                }
                assertThat(echo.received()).as("datagrams of a peer without a flow reach no service")
                        .isEqualTo(reachedService);
                Scrape.until(admin, s -> Double.valueOf(droppedBefore + 5).equals(s.value(NO_FLOW)));
                assertThat(Scrape.of(admin).value(FLOWS)).isEqualTo(CEILING);
            } finally {
                peers.forEach(DatagramSocket::close);
            }
            // Expiry is an ending too: the flows go, and with them the units of the ceiling.
            Scrape.until(admin, s -> Double.valueOf(0).equals(s.value(FLOWS)));
        }
    }

    /** {@link #CEILING} connections at once, each admitted and its local end reached. */
    private List<Admitted> admitCeiling() throws Exception {
        List<Admitted> held = new ArrayList<>();
        for (int i = 0; i < CEILING; i++) {
            held.add(admit());
        }
        return held;
    }

    /** With the ceiling held, one more connection is reset; the held ones are then ended normally. */
    private void assertRefusedWhileHolding() throws Exception {
        List<Admitted> held = admitCeiling();
        assertRefused();
        for (Admitted a : held) {
            Scenario.FULL_CLOSE.run(a.publicPeer(), a.local(), 10, 5).assertComplete();
        }
    }

    /**
     * A connection the server admits. A unit given back when an earlier connection closed reaches the count a moment
     * after the test saw that connection end, so a refusal is retried for a while; a unit never given back fails it.
     */
    private Admitted admit() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long tag = nextTag++;
        while (true) {
            CompletableFuture<Peer> local = service.whenTagged(tag);
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), tcpPort);
            Peer publicPeer = null;
            try {
                ScriptedService.sendTag(socket, tag);
                publicPeer = new Peer(socket);
                CompletableFuture.anyOf(local, publicPeer.received()).get(20, TimeUnit.SECONDS);
                if (local.isDone()) {
                    return new Admitted(publicPeer, local.join());
                }
            } catch (IOException resetBeforeTheTagWasWritten) {
                // Refused as well.
            }
            if (publicPeer != null) {
                assertThat(publicPeer.received().join()).isEqualTo(new Received(0, Peer.sha256Hex(new byte[0]), Ending.RST));
            }
            socket.close();
            assertThat(System.nanoTime()).as("a connection admitted again within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** A new public connection is reset at once, having received nothing. */
    private void assertRefused() throws Exception {
        try (Peer refused = new Peer(new Socket(InetAddress.getLoopbackAddress(), tcpPort))) {
            assertThat(refused.received(10, TimeUnit.SECONDS))
                    .isEqualTo(new Received(0, Peer.sha256Hex(new byte[0]), Ending.RST));
        }
    }

    /** Asks again on the same keep-alive connection while the answer is 429. */
    private static HttpWire.Response awaitServed(HttpWire wire) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            HttpWire.Response response = wire.exchange(HttpWire.get(WEB_HOST, "/"));
            if (response.status() != 429) {
                assertThat(response.status()).isEqualTo(200);
                return response;
            }
            assertThat(System.nanoTime()).as("served within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private InetSocketAddress udpTarget() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), udpPort);
    }

    private static DatagramSocket udpPeer() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(200);
        return socket;
    }

    private static byte[] payload(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Sends until the echo arrives (loopback UDP may still drop one). */
    private byte[] roundTrip(DatagramSocket socket, byte[] payload) throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            socket.send(new DatagramPacket(payload, payload.length, udpTarget()));
            byte[] reply = receive(socket);
            if (reply != null) {
                return reply;
            }
        }
        throw new AssertionError("no echo after 20 attempts");
    }

    /** The next datagram, or null when none comes within the socket's timeout. */
    private static byte[] receive(DatagramSocket socket) throws IOException {
        byte[] buffer = new byte[65_535];
        DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(reply);
            return Arrays.copyOf(reply.getData(), reply.getLength());
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    private static double valueOrZero(Scrape scrape, String series) {
        Double value = scrape.value(series);
        return value == null ? 0 : value;
    }
}
