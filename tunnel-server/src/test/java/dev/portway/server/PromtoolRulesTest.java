package dev.portway.server;

import dev.portway.server.testkit.Programs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code promtool check rules deploy/prometheus/alerts.yaml}: Prometheus's own check of the shipped rules (syntax,
 * PromQL, templates). Runs where promtool is on the PATH, for example from Debian's {@code prometheus} package, and is
 * skipped elsewhere; DeployFilesIT checks the metric names everywhere.
 */
@Timeout(60)
class PromtoolRulesTest {
    private static final Path RULES = Path.of("..", "deploy", "prometheus", "alerts.yaml");

    @Test
    void promtoolAcceptsTheAlertRules() throws Exception {
        assumeTrue(Programs.onPath("promtool"), "promtool is not on the PATH");
        Programs.Result check = Programs.run(List.of("promtool", "check", "rules", RULES.toString()));
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS");
    }
}
