package dev.portway.server;

import dev.portway.client.TunnelClient;
import dev.portway.client.config.ClientConfig;
import dev.portway.client.tls.ClientTlsContexts;
import dev.portway.monitor.micrometer.PrometheusMetrics;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.Programs;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Scrape;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static dev.portway.server.testkit.TunnelFixture.WAIT;
import static dev.portway.server.testkit.TunnelFixture.port;
import static dev.portway.server.testkit.TunnelFixture.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code promtool check metrics} on what a running server and client serve after traffic: every family, Portway's
 * and the JVM's, follows Prometheus's naming rules. Skipped where promtool is not on the PATH.
 */
@Timeout(60)
class PromtoolMetricsIT {
    private TunnelFixture fixture;
    private EchoServer echo;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Programs.onPath("promtool"), "promtool is not on the PATH");
        fixture = new TunnelFixture();
        echo = new EchoServer();
        fixture.startServer(fixture.serverConfig(0, Duration.ofMillis(250), 20));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fixture != null) {
            fixture.close();
            echo.close();
        }
    }

    @Test
    void serverAndClientScrapesPassPromtool() throws Exception {
        ClientConfig config = fixture.clientConfig(fixture.controlAddress().getPort(), TunnelFixture.TOKEN,
                List.of(tcp("echo", echo.port(), 0)), Duration.ofMillis(250));
        try (PrometheusMetrics clientMetrics = PrometheusMetrics.forClient()) {
            RecordingEvents events = new RecordingEvents();
            TunnelClient client = new TunnelClient(config, "c1", ClientTlsContexts.create(config.tls()), events,
                    clientMetrics.recorder(), null);
            try {
                client.start();
                TunnelResult.Status status = events.nextRegistration(WAIT).get(0);
                assertThat(Wire.echo(port(status), 5000, 4).received()).isEqualTo(5000);
                Scrape server = Scrape.until(fixture.server().adminAddress(),
                        s -> s.value("portway_client_rtt_seconds{client=\"c1\"}") != null);
                Scrape.assertPromtoolClean(server.text());
                Scrape.assertPromtoolClean(clientMetrics.scrape());
            } finally {
                client.close();
            }
        }
    }
}
