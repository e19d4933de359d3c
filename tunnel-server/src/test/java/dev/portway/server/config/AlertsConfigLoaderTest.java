package dev.portway.server.config;

import dev.portway.protocol.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code alerts:} section of server.yaml. */
class AlertsConfigLoaderTest {
    @TempDir
    Path dir;

    private AlertsConfig load(String yaml) throws Exception {
        return ServerConfigLoader.load(Files.writeString(dir.resolve("server.yaml"), yaml)).alerts();
    }

    private List<String> problems(String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve("server.yaml"), yaml);
        try {
            ServerConfigLoader.load(file);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void withoutTheSectionEveryRuleRunsWithTheThresholdsOfAlertsYamlAndNothingIsSent() throws Exception {
        AlertsConfig alerts = load("bind: 127.0.0.1\n");
        assertThat(alerts).isEqualTo(AlertsConfig.DEFAULTS);
        assertThat(alerts.enabled()).isTrue();
        assertThat(alerts.clientOffline().holdFor()).isEqualTo(Duration.ofMinutes(2));
        assertThat(alerts.httpLatencyThreshold()).isEqualTo(Duration.ofSeconds(1));
        assertThat(alerts.httpErrorRate().holdFor()).isEqualTo(Duration.ofMinutes(1));
        assertThat(alerts.httpErrorRateThreshold()).isEqualTo(0.05);
        assertThat(alerts.window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(alerts.lookback()).isEqualTo(Duration.ofHours(1));
        assertThat(alerts.webhooks()).isEmpty();
        assertThat(alerts.telegram()).isNull();
    }

    @Test
    void everyFieldIsRead() throws Exception {
        AlertsConfig alerts = load("""
                alerts:
                  interval: 5s
                  lookback: 30m
                  window: 2m
                  clientOffline: {for: 30s}
                  tunnelDown: {enabled: false}
                  httpLatency: {for: 1m, threshold: 500ms}
                  httpErrorRate: {for: 2m, threshold: 0.1}
                  quotaNearlyUsed: {enabled: false}
                  webhooks:
                    - url: https://hooks.example.com/portway
                    - url: http://127.0.0.1:9000/alerts
                  telegram: {token: "123:abc", chatId: "-100200", baseUrl: "http://127.0.0.1:8081"}
                  delivery: {attempts: 3, backoff: 2s}
                """);
        assertThat(alerts.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(alerts.lookback()).isEqualTo(Duration.ofMinutes(30));
        assertThat(alerts.window()).isEqualTo(Duration.ofMinutes(2));
        assertThat(alerts.clientOffline()).isEqualTo(new AlertsConfig.Rule(true, Duration.ofSeconds(30)));
        assertThat(alerts.tunnelDown().enabled()).isFalse();
        assertThat(alerts.httpLatency().holdFor()).isEqualTo(Duration.ofMinutes(1));
        assertThat(alerts.httpLatencyThreshold()).isEqualTo(Duration.ofMillis(500));
        assertThat(alerts.httpErrorRateThreshold()).isEqualTo(0.1);
        assertThat(alerts.quotaNearlyUsed().enabled()).isFalse();
        assertThat(alerts.webhooks()).containsExactly(URI.create("https://hooks.example.com/portway"),
                URI.create("http://127.0.0.1:9000/alerts"));
        assertThat(alerts.telegram().chatId()).isEqualTo("-100200");
        assertThat(alerts.telegram().baseUrl()).isEqualTo(URI.create("http://127.0.0.1:8081"));
        assertThat(alerts.telegram().toString()).doesNotContain("123:abc");
        assertThat(alerts.attempts()).isEqualTo(3);
        assertThat(alerts.backoff()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void telegramBaseUrlDefaultsToTheBotApi() throws Exception {
        assertThat(load("alerts: {telegram: {token: t, chatId: \"1\"}}\n").telegram().baseUrl())
                .isEqualTo(URI.create("https://api.telegram.org"));
    }

    @Test
    void problemsNameTheFieldAndNeverEchoTheTokenOrAWebhookUrl() throws Exception {
        List<String> problems = problems("""
                alerts:
                  interval: soon
                  httpErrorRate: {threshold: 5}
                  clientOffline: {for: 1m, threshold: 2}
                  webhooks: [{url: "ftp://secret-path.example/hook-token"}, {}]
                  telegram: {token: "999:very-secret"}
                  delivery: {attempts: 0}
                  colour: red
                """);
        assertThat(problems).anyMatch(p -> p.contains("alerts.interval: expected"));
        assertThat(problems).anyMatch(p -> p.contains("alerts.httpErrorRate.threshold: expected a number between 0 and 1"));
        assertThat(problems).anyMatch(p -> p.contains("alerts.clientOffline.threshold"));
        assertThat(problems).anyMatch(p -> p.contains("alerts.webhooks[0].url: expected an http:// or https:// URL"));
        assertThat(problems).anyMatch(p -> p.contains("alerts.webhooks[1].url"));
        assertThat(problems).anyMatch(p -> p.contains("alerts.telegram.chatId"));
        assertThat(problems).anyMatch(p -> p.contains("alerts.delivery.attempts"));
        assertThat(problems).anyMatch(p -> p.contains("alerts.colour"));
        assertThat(String.join("\n", problems)).doesNotContain("very-secret", "hook-token");
    }

    @Test
    void aTelegramSectionNeedsItsToken() {
        assertThatThrownBy(() -> load("alerts: {telegram: {chatId: \"1\"}}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("alerts.telegram.token");
    }
}
