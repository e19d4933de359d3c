package dev.portway.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Scrape;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.Wire;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.portway.server.testkit.TunnelFixture.port;
import static dev.portway.server.testkit.TunnelFixture.tcp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard and the alert rules in {@code deploy/} name only metrics a real server exports. The scrape
 * comes from a server that carried traffic, so that per-tunnel and per-client series exist; HTTP tunnels do not
 * exist yet, so one HTTP request is recorded directly to make the histogram appear.
 */
@Timeout(60)
class DeployFilesIT {
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final Pattern PORTWAY_METRIC = Pattern.compile("portway_[a-zA-Z0-9_]+");

    private static TunnelFixture fixture;
    private static EchoServer echo;
    private static Set<String> exported;

    @BeforeAll
    static void scrapeARealServer() throws Exception {
        fixture = new TunnelFixture();
        echo = new EchoServer();
        fixture.startServer(fixture.serverConfig(0, Duration.ofMillis(250), 20));
        TunnelResult.Status status = fixture.connect("c1", new RecordingEvents(), tcp("echo", echo.port(), 0)).get(0);
        Wire.echo(port(status), 10_000, 1);
        fixture.server().metrics().httpRequest("echo", "GET", 200, 1_000_000);
        // No https port here: a certificate is recorded directly, as a served one would be.
        fixture.server().metrics().certificate("www.example.test", java.time.Instant.now().plusSeconds(86_400), 0);
        exported = Scrape.until(fixture.server().adminAddress(),
                s -> s.names().contains("portway_streams_open") && s.names().contains("portway_client_rtt_seconds"))
                .names();
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
        echo.close();
    }

    @Test
    void dashboardQueriesUseExportedMetrics() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DEPLOY.resolve("grafana/portway.json").toFile());
        List<String> queries = new ArrayList<>();
        collect(dashboard, queries);

        assertThat(queries).hasSizeGreaterThan(10);
        Set<String> referenced = metricNames(queries);
        assertThat(referenced).contains("portway_tunnel_bytes_total", "portway_clients_connected",
                "portway_public_connections_total", "portway_auth_failures_total",
                "portway_http_requests_seconds_bucket", "portway_http_requests_seconds_count",
                "portway_client_rtt_seconds");
        assertThat(exported).containsAll(referenced);
        assertThat(dashboard.get("panels")).allSatisfy(panel -> assertThat(panel.get("title").asText()).isNotBlank());
    }

    /** Every {@code expr} of a panel and every {@code query} of a template variable. */
    private static void collect(JsonNode node, List<String> queries) {
        node.fields().forEachRemaining(field -> {
            if ((field.getKey().equals("expr") || field.getKey().equals("query")) && field.getValue().isTextual()) {
                queries.add(field.getValue().asText());
            } else {
                collect(field.getValue(), queries);
            }
        });
        if (node.isArray()) {
            node.forEach(child -> collect(child, queries));
        }
    }

    @Test
    void alertRulesAreCompleteAndUseExportedMetrics() throws Exception {
        JsonNode rules = new YAMLMapper().readTree(Files.readString(DEPLOY.resolve("prometheus/alerts.yaml")));
        List<String> exprs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (JsonNode group : rules.get("groups")) {
            assertThat(group.get("name").asText()).isNotBlank();
            for (JsonNode rule : group.get("rules")) {
                assertThat(rule.fieldNames()).toIterable()
                        .containsExactlyInAnyOrder("alert", "expr", "for", "labels", "annotations");
                assertThat(rule.get("labels").get("severity").asText()).isNotBlank();
                assertThat(rule.get("annotations").get("summary").asText()).isNotBlank();
                names.add(rule.get("alert").asText());
                exprs.add(rule.get("expr").asText());
            }
        }

        assertThat(names).contains("PortwayClientOffline", "PortwayTunnelDown", "PortwayHttpLatencyHigh",
                "PortwayHttpErrorRateHigh", "PortwayQuotaNearlyUsed", "PortwayCertificate");
        assertThat(exported).containsAll(metricNames(exprs));
        assertThat(metricNames(exprs)).contains("portway_quota_events_total", "portway_http_requests_seconds_bucket",
                "portway_certificate_expiry_days", "portway_certificate_renewal_failures");
    }

    @Test
    void prometheusExampleLoadsTheRulesAndScrapesTheDefaultAdminPort() throws Exception {
        JsonNode config = new YAMLMapper().readTree(Files.readString(DEPLOY.resolve("prometheus/prometheus.yml")));
        assertThat(config.get("rule_files").get(0).asText()).isEqualTo("alerts.yaml");
        assertThat(config.get("scrape_configs").get(0).get("static_configs").get(0).get("targets").get(0).asText())
                .isEqualTo("127.0.0.1:7500");
    }

    private static Set<String> metricNames(List<String> queries) {
        Set<String> names = new TreeSet<>();
        for (String query : queries) {
            Matcher m = PORTWAY_METRIC.matcher(query);
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }
}
