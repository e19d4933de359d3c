package dev.portway.monitor;

import dev.portway.monitor.micrometer.PrometheusMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(30)
class KernelUdpDropsTest {
    private static final String HEADER = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
            + "  timeout inode ref pointer drops";

    private static String line(int port, long drops) {
        return "  12: 0100007F:%04X 00000000:0000 07 00000000:00034000 00:00000000 00000000     0        0 81234 2 "
                .formatted(port) + "0000000000000000 " + drops;
    }

    @TempDir
    Path dir;

    @Test
    void aSocketIsFoundByItsLocalPortInEitherTable() {
        Map<Integer, Long> drops = new HashMap<>();
        KernelUdpDrops.parse(line(0x1F90, 17), drops);
        KernelUdpDrops.parse("  3: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 07 "
                + "00000000:00000000 00:00000000 00000000  1000        0 99 2 0000000000000000 3", drops);
        KernelUdpDrops.parse("garbage", drops);
        assertThat(drops).containsExactly(Map.entry(8080, 20L));
    }

    /** The total never goes back: a closed socket's drops stay counted, and sockets not watched never count. */
    @Test
    void theTotalKeepsWhatClosedSocketsDropped() throws Exception {
        Path table = dir.resolve("udp");
        KernelUdpDrops drops = new KernelUdpDrops(List.of(table, dir.resolve("udp6-absent")));
        Files.write(table, List.of(HEADER, line(5000, 4), line(6000, 100)));
        drops.opened(5000);
        assertThat(drops.total()).isEqualTo(4);
        Files.write(table, List.of(HEADER, line(5000, 9), line(6000, 100)));
        assertThat(drops.total()).isEqualTo(9);
        drops.closed(5000);
        Files.write(table, List.of(HEADER, line(6000, 100)));
        assertThat(drops.total()).isEqualTo(9);
    }

    /** A real socket on loopback that nobody reads: the datagrams its full buffer drops show in the scrape. */
    @Test
    void datagramsAFullUnreadSocketDropsAreCountedAsSocketBuffer() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/udp")), "no /proc/net/udp (not Linux)");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (PrometheusMetrics prometheus = new PrometheusMetrics();
             DatagramSocket unread = new DatagramSocket(new InetSocketAddress(loopback, 0));
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            unread.setReceiveBufferSize(4096);
            prometheus.recorder().udpSocketOpened(unread.getLocalPort());
            byte[] payload = new byte[1000];
            for (int i = 0; i < 2000; i++) {
                sender.send(new DatagramPacket(payload, payload.length, unread.getLocalSocketAddress()));
            }
            double dropped = socketBufferDrops(prometheus);
            assertThat(dropped).isGreaterThan(1000);

            prometheus.recorder().udpSocketClosed(unread.getLocalPort());
            assertThat(socketBufferDrops(prometheus)).isEqualTo(dropped);
        }
    }

    private static double socketBufferDrops(PrometheusMetrics prometheus) {
        String series = "portway_udp_datagrams_dropped_total{reason=\"socket_buffer\"} ";
        return prometheus.scrape().lines().filter(l -> l.startsWith(series))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length()))).findFirst().orElseThrow();
    }
}
