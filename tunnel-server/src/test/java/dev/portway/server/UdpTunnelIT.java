package dev.portway.server;

import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.client.config.TunnelConfig;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.config.UdpConfig;
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
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.portway.server.testkit.TunnelFixture.port;
import static org.assertj.core.api.Assertions.assertThat;

/** UDP tunnels end to end: public peers, the real server and client, and a local UDP echo service on loopback. */
@Timeout(120)
class UdpTunnelIT {
    private static final String FLOWS = "portway_udp_flows";
    private static final String OVERSIZE = "portway_udp_datagrams_dropped_total{reason=\"oversize\"}";

    private TunnelFixture fixture;
    private UdpEchoServer echo;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        echo = new UdpEchoServer();
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
        echo.close();
    }

    private int startWithUdpTunnel(UdpConfig udp) throws Exception {
        ServerConfig config = fixture.serverConfig(0, Duration.ofSeconds(10), 3).withUdp(udp);
        fixture.startServer(config);
        TunnelConfig tunnel = new TunnelConfig("echo", TunnelType.UDP, new HostPort("127.0.0.1", echo.port()), 0);
        TunnelResult.Status status = fixture.connect("c1", new RecordingEvents(), tunnel).get(0);
        assertThat(status.accepted()).as(status.reason()).isTrue();
        return port(status);
    }

    @Test
    void fiftyPeersEachGetOnlyTheirOwnRepliesAndIdleFlowsExpire() throws Exception {
        int publicPort = startWithUdpTunnel(new UdpConfig(Duration.ofSeconds(3), UdpConfig.DEFAULT_MAX_DATAGRAM));
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<List<String>>> peers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int peer = i;
                peers.add(pool.submit(() -> exchange(publicPort, peer, 5)));
            }
            for (int i = 0; i < 50; i++) {
                List<String> replies = peers.get(i).get();
                String prefix = "peer-" + i + "-";
                assertThat(replies).hasSize(5).allMatch(reply -> reply.startsWith(prefix));
            }
        } finally {
            pool.shutdownNow();
        }
        InetSocketAddress admin = fixture.server().adminAddress();
        Scrape scrape = Scrape.of(admin);
        assertThat(scrape.value(FLOWS)).isEqualTo(50.0);
        // Every exchange sent its message at least once and got it back at least once (loopback may drop some).
        long sent = 0;
        for (int peer = 0; peer < 50; peer++) {
            for (int i = 0; i < 5; i++) {
                sent += ("peer-" + peer + "-" + i).length();
            }
        }
        assertThat(tunnelBytes(scrape, "in")).isGreaterThanOrEqualTo(sent);
        assertThat(tunnelBytes(scrape, "out")).isGreaterThanOrEqualTo(sent);

        Scrape.until(admin, s -> Double.valueOf(0).equals(s.value(FLOWS)));

        // A peer that comes back after its flow expired gets a new flow and is answered again.
        assertThat(exchange(publicPort, 7, 1)).containsExactly("peer-7-0");
    }

    @Test
    void anOversizeDatagramIsDroppedAndCountedNeverSplit() throws Exception {
        int publicPort = startWithUdpTunnel(new UdpConfig(Duration.ofSeconds(60), 1000));
        InetSocketAddress admin = fixture.server().adminAddress();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(500);
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), publicPort);
            socket.send(new DatagramPacket(new byte[1001], 1001, target));

            Scrape.until(admin, s -> Double.valueOf(1).equals(s.value(OVERSIZE)));
            assertThat(echo.received()).isZero();

            byte[] largest = new byte[1000];
            Arrays.fill(largest, (byte) 'x');
            byte[] reply = roundTrip(socket, target, largest);
            assertThat(reply).isEqualTo(largest);
            assertThat(echo.received()).isGreaterThanOrEqualTo(1);
        }
    }

    private static double tunnelBytes(Scrape scrape, String direction) {
        return scrape.text().lines()
                .filter(l -> l.startsWith("portway_tunnel_bytes_total{") && l.contains("tunnel=\"echo\"")
                        && l.contains("direction=\"" + direction + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** {@code count} request/reply round trips from one public peer, each retried while UDP loses it. */
    private static List<String> exchange(int publicPort, int peer, int count) throws IOException {
        List<String> replies = new ArrayList<>();
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), publicPort);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(500);
            for (int i = 0; i < count; i++) {
                byte[] message = ("peer-" + peer + "-" + i).getBytes(StandardCharsets.UTF_8);
                replies.add(new String(roundTrip(socket, target, message), StandardCharsets.UTF_8));
            }
        }
        return replies;
    }

    /**
     * Sends until a reply arrives (loopback UDP still drops under load); a reply to an earlier, retried send is read
     * too, which is why peers compare prefixes, not exact messages.
     */
    private static byte[] roundTrip(DatagramSocket socket, InetSocketAddress target, byte[] message) throws IOException {
        byte[] buffer = new byte[65_535];
        for (int attempt = 0; attempt < 20; attempt++) {
            socket.send(new DatagramPacket(message, message.length, target));
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(reply);
                return Arrays.copyOf(reply.getData(), reply.getLength());
            } catch (SocketTimeoutException e) {
                // lost on the way; send again
            }
        }
        throw new AssertionError("no reply to " + new String(message, StandardCharsets.UTF_8) + " after 20 attempts");
    }
}
