package dev.portway.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

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
        assumeTrue(onPath("promtool"), "promtool is not on the PATH");
        Process check = new ProcessBuilder("promtool", "check", "rules", RULES.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
        assertThat(output).contains("SUCCESS");
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
