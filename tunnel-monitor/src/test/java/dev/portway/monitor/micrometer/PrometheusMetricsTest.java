package dev.portway.monitor.micrometer;

import dev.portway.monitor.TunnelMetrics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusMetricsTest {
    @Test
    void scrapeUsesPrometheusNamesWithPortwayPrefixAndJvmMeters() {
        try (PrometheusMetrics prometheus = new PrometheusMetrics()) {
            TunnelMetrics metrics = prometheus.recorder();
            metrics.clientConnected("c1");
            metrics.controlRtt("c1", 2_000_000);
            metrics.tunnelOpened("web", "alice", "tcp");
            metrics.streamOpened("tcp");
            metrics.bytesIn("web", "alice", 42);
            metrics.httpRequest("web", "GET", 200, 1_500_000);

            String text = prometheus.scrape();

            assertThat(text).contains(
                    "portway_clients_connected 1.0",
                    "portway_client_rtt_seconds{client=\"c1\"} 0.002",
                    "portway_tunnel_up{tunnel=\"web\",type=\"tcp\",user=\"alice\"} 1.0",
                    "portway_streams_open{type=\"tcp\"} 1.0",
                    "portway_streams_total{type=\"tcp\"} 1.0",
                    "portway_tunnel_bytes_total{direction=\"in\",tunnel=\"web\",user=\"alice\"} 42.0",
                    "portway_public_connections_total{reason=\"none\",result=\"accepted\"} 0.0",
                    "portway_auth_failures_total{reason=\"invalid_token\"} 0.0",
                    "portway_quota_events_total{kind=\"traffic_nearly_used\"} 0.0",
                    "portway_client_reconnects_total 0.0",
                    "portway_http_requests_seconds_bucket{method=\"GET\",status_class=\"2xx\",tunnel=\"web\",le=\"0.0025\"} 1",
                    "portway_http_requests_seconds_count{method=\"GET\",status_class=\"2xx\",tunnel=\"web\"} 1",
                    "portway_netty_allocator_used_direct_memory_bytes{allocator=\"default\"",
                    "jvm_memory_used_bytes",
                    "jvm_threads_live_threads");
        }
    }

    @Test
    void aClientKeepsNoFamilyOnlyAServerRecords() {
        try (PrometheusMetrics prometheus = PrometheusMetrics.forClient()) {
            prometheus.recorder().traffic("dns", "").bytesIn(7);
            assertThat(prometheus.scrape())
                    .contains("portway_tunnel_bytes_total{direction=\"in\",tunnel=\"dns\",user=\"\"} 7.0",
                            "portway_udp_datagrams_dropped_total{reason=\"congested\"} 0.0",
                            "portway_client_reconnects_total 0.0")
                    .doesNotContain("portway_public_connections_total", "portway_auth_failures_total",
                            "portway_quota_events_total");
        }
    }

    /** The two JVM meters whose Micrometer names {@code promtool check metrics} rejected, under names it accepts. */
    @Test
    void cpuMetersHaveLintCleanNames() {
        try (PrometheusMetrics prometheus = new PrometheusMetrics()) {
            String text = prometheus.scrape();
            assertThat(text).contains("# TYPE process_cpu_seconds_total counter", "# TYPE system_cpus gauge")
                    .doesNotContain("process_cpu_time_ns_total", "system_cpu_count");
            double cpuSeconds = Double.parseDouble(text.lines()
                    .filter(line -> line.startsWith("process_cpu_seconds_total ")).findFirst().orElseThrow()
                    .substring("process_cpu_seconds_total ".length()));
            // Seconds, not nanoseconds: a test JVM has used more than a millisecond of CPU and less than a day.
            assertThat(cpuSeconds).isBetween(0.001, 86_400.0);
        }
    }
}
