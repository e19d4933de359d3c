package dev.portway.monitor.micrometer;

import dev.portway.monitor.AuthFailureReason;
import dev.portway.monitor.ClusterMeters;
import dev.portway.monitor.PublicConnectionRefusal;
import dev.portway.monitor.QuotaEvent;
import dev.portway.monitor.TunnelTraffic;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MicrometerTunnelMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerTunnelMetrics metrics = new MicrometerTunnelMetrics(registry);

    @Test
    void countsBytesPerTunnelUserAndDirectionOnOneCachedHandle() {
        TunnelTraffic web = metrics.traffic("web", "alice");
        web.bytesIn(100);
        web.bytesOut(2000);
        metrics.bytesIn("web", "alice", 5);
        metrics.bytesOut("ssh", "bob", 7);

        assertThat(metrics.traffic("web", "alice")).isSameAs(web);
        assertThat(bytes("web", "alice", "in")).isEqualTo(105);
        assertThat(bytes("web", "alice", "out")).isEqualTo(2000);
        assertThat(bytes("ssh", "bob", "out")).isEqualTo(7);
        assertThat(registry.find(MeterNames.TUNNEL_BYTES).counters()).hasSize(4);
    }

    private double bytes(String tunnel, String user, String direction) {
        return registry.get(MeterNames.TUNNEL_BYTES)
                .tags("tunnel", tunnel, "user", user, "direction", direction).counter().count();
    }

    @Test
    void aCertificateNoLongerServedTakesItsGaugesAndMayComeBack() {
        metrics.certificate("www.example.test", java.time.Instant.now().plus(java.time.Duration.ofDays(30)), 2);
        assertThat(registry.get(MeterNames.CERTIFICATE_EXPIRY).tag("certificate", "www.example.test").gauge().value())
                .isCloseTo(30, within(0.01));
        assertThat(registry.get(MeterNames.CERTIFICATE_RENEWAL_FAILURES).gauge().value()).isEqualTo(2);

        metrics.certificateGone("www.example.test");
        assertThat(registry.find(MeterNames.CERTIFICATE_EXPIRY).gauges()).isEmpty();
        assertThat(registry.find(MeterNames.CERTIFICATE_RENEWAL_FAILURES).gauges()).isEmpty();
        assertThat(metrics.certificates()).isEmpty();

        metrics.certificate("www.example.test", java.time.Instant.now().plus(java.time.Duration.ofDays(60)), 0);
        assertThat(registry.get(MeterNames.CERTIFICATE_EXPIRY).gauge().value()).isCloseTo(60, within(0.01));
    }

    @Test
    void clusterMetersExistOnlyOnceTheServerIsANodeAndThenAtZero() {
        assertThat(registry.find(MeterNames.CLUSTER_NODES).gauges()).isEmpty();
        assertThat(registry.find(MeterNames.CLUSTER_TAKEOVERS).counters()).isEmpty();

        ClusterMeters node = metrics.clusterNode();
        assertThat(metrics.clusterNode()).isSameAs(node);
        assertThat(registry.get(MeterNames.CLUSTER_REAPED_NODES).counter().count()).isZero();
        node.liveNodes(3);
        node.nodeReaped();
        node.takeover();
        node.takeover();
        node.liveNodes(2);
        assertThat(registry.get(MeterNames.CLUSTER_NODES).gauge().value()).isEqualTo(2);
        assertThat(registry.get(MeterNames.CLUSTER_REAPED_NODES).counter().count()).isEqualTo(1);
        assertThat(registry.get(MeterNames.CLUSTER_TAKEOVERS).counter().count()).isEqualTo(2);
    }

    @Test
    void connectedClientsAndTheirRttComeAndGo() {
        metrics.clientConnected("c1");
        metrics.clientConnected("c2");
        metrics.clientConnected("c2");
        assertThat(registry.get(MeterNames.CLIENTS_CONNECTED).gauge().value()).isEqualTo(2);
        assertThat(registry.get(MeterNames.CLIENT_RTT).tag("client", "c1").gauge().value()).isNaN();

        metrics.controlRtt("c1", TimeUnit.MILLISECONDS.toNanos(25));
        assertThat(registry.get(MeterNames.CLIENT_RTT).tag("client", "c1").gauge().value())
                .isCloseTo(0.025, within(1e-9));

        metrics.clientDisconnected("c1");
        metrics.controlRtt("c1", 1);
        assertThat(registry.get(MeterNames.CLIENTS_CONNECTED).gauge().value()).isEqualTo(1);
        assertThat(registry.find(MeterNames.CLIENT_RTT).tag("client", "c1").gauge()).isNull();
        assertThat(registry.find(MeterNames.CLIENT_RTT).gauges()).hasSize(1);
    }

    @Test
    void openStreamsByTypeAndTotal() {
        metrics.streamOpened("tcp");
        metrics.streamOpened("tcp");
        metrics.streamClosed("tcp");
        assertThat(registry.get(MeterNames.STREAMS_OPEN).tag("type", "tcp").gauge().value()).isEqualTo(1);
        assertThat(registry.get(MeterNames.STREAMS).tag("type", "tcp").counter().count()).isEqualTo(2);
    }

    @Test
    void tunnelUpCountsListenersAndDisappearsWithTheLast() {
        metrics.tunnelOpened("web", "alice", "tcp");
        metrics.tunnelOpened("web", "alice", "tcp");
        metrics.tunnelClosed("web", "alice", "tcp");
        assertThat(registry.get(MeterNames.TUNNEL_UP).tags("tunnel", "web", "user", "alice", "type", "tcp")
                .gauge().value()).isEqualTo(1);
        metrics.tunnelClosed("web", "alice", "tcp");
        metrics.tunnelClosed("web", "alice", "tcp");
        assertThat(registry.find(MeterNames.TUNNEL_UP).gauges()).isEmpty();
    }

    @Test
    void byteCountersGoWithTheLastOpenTunnelOfTheirNameAndUser() {
        metrics.traffic("web", "alice").bytesIn(1);
        metrics.tunnelOpened("web", "alice", "tcp");
        metrics.tunnelOpened("web", "alice", "udp");
        metrics.tunnelClosed("web", "alice", "tcp");
        assertThat(bytes("web", "alice", "in")).as("the udp tunnel of that name is still open").isEqualTo(1);
        metrics.tunnelClosed("web", "alice", "udp");
        assertThat(registry.find(MeterNames.TUNNEL_BYTES).counters()).isEmpty();
    }

    @Test
    void aRefusedRegistrationLeavesNoByteCounters() {
        for (int i = 0; i < 100; i++) {
            metrics.traffic("attempt" + i, "mallory");
            metrics.tunnelRefused("attempt" + i, "mallory");
        }
        assertThat(registry.find(MeterNames.TUNNEL_BYTES).counters()).isEmpty();
    }

    @Test
    void enumLabelledCountersExistAtZeroBeforeTheFirstEvent() {
        assertThat(registry.get(MeterNames.AUTH_FAILURES).counters()).hasSize(AuthFailureReason.values().length);
        assertThat(registry.get(MeterNames.QUOTA_EVENTS).counters()).hasSize(QuotaEvent.values().length);
        assertThat(registry.get(MeterNames.PUBLIC_CONNECTIONS).counters())
                .hasSize(PublicConnectionRefusal.values().length + 1);

        metrics.authFailure(AuthFailureReason.INVALID_TOKEN);
        metrics.quotaEvent(QuotaEvent.TRAFFIC_NEARLY_USED);
        metrics.publicConnectionAccepted();
        metrics.publicConnectionAccepted();
        metrics.publicConnectionRefused(PublicConnectionRefusal.CLIENT_OFFLINE);
        metrics.reconnect();

        assertThat(registry.get(MeterNames.AUTH_FAILURES).tag("reason", "invalid_token").counter().count()).isEqualTo(1);
        assertThat(registry.get(MeterNames.AUTH_FAILURES).tag("reason", "handshake_timeout").counter().count()).isZero();
        assertThat(registry.get(MeterNames.QUOTA_EVENTS).tag("kind", "traffic_nearly_used").counter().count()).isEqualTo(1);
        assertThat(registry.get(MeterNames.PUBLIC_CONNECTIONS).tags("result", "accepted", "reason", "none")
                .counter().count()).isEqualTo(2);
        assertThat(registry.get(MeterNames.PUBLIC_CONNECTIONS).tags("result", "refused", "reason", "client_offline")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(MeterNames.CLIENT_RECONNECTS).counter().count()).isEqualTo(1);
    }

    @Test
    void httpRequestsGoIntoBucketsByStatusClassWithMethodsBounded() {
        metrics.httpRequest("web", "get", 200, TimeUnit.MILLISECONDS.toNanos(3));
        metrics.httpRequest("web", "GET", 204, TimeUnit.MILLISECONDS.toNanos(700));
        metrics.httpRequest("web", "BREW", 503, TimeUnit.SECONDS.toNanos(20));

        Timer ok = registry.get(MeterNames.HTTP_REQUESTS)
                .tags("tunnel", "web", "status_class", "2xx", "method", "GET").timer();
        assertThat(ok.count()).isEqualTo(2);
        CountAtBucket[] buckets = ok.takeSnapshot().histogramCounts();
        assertThat(Arrays.stream(buckets).mapToDouble(b -> b.bucket(TimeUnit.SECONDS)))
                .containsExactly(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);
        assertThat(countAt(buckets, 0.005)).isEqualTo(1);
        assertThat(countAt(buckets, 1)).isEqualTo(2);
        assertThat(registry.get(MeterNames.HTTP_REQUESTS)
                .tags("tunnel", "web", "status_class", "5xx", "method", "OTHER").timer().count()).isEqualTo(1);
        assertThat(MicrometerTunnelMetrics.statusClass(99)).isEqualTo("other");
    }

    private static double countAt(CountAtBucket[] buckets, double seconds) {
        return Arrays.stream(buckets).filter(b -> b.bucket(TimeUnit.SECONDS) == seconds).findFirst()
                .orElseThrow().count();
    }
}
