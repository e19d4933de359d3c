package dev.portway.server.config;

import dev.portway.monitor.alerts.TelegramNotifier;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The server's own alert evaluation ({@code alerts:} in server.yaml) and where its notifications go. The rules are
 * those of {@code deploy/prometheus/alerts.yaml}, evaluated against the server's meters, so they need the admin
 * listener's meters ({@code admin.enabled}).
 *
 * @param enabled         false: nothing is evaluated
 * @param interval        how often the rules are evaluated
 * @param lookback        a client or tunnel seen within this long and gone now is offline / down
 * @param window          HTTP latency and error rate are measured over this sliding window
 * @param clientOffline   {@code PortwayClientOffline}
 * @param tunnelDown      {@code PortwayTunnelDown}
 * @param httpLatency     {@code PortwayHttpLatencyHigh}: p95 above {@code httpLatencyThreshold}
 * @param httpLatencyThreshold p95 latency above which an HTTP tunnel is slow
 * @param httpErrorRate   {@code PortwayHttpErrorRateHigh}: 5xx above {@code httpErrorRateThreshold}
 * @param httpErrorRateThreshold fraction of 5xx answers (0.05 = 5 %) above which an HTTP tunnel is failing
 * @param quotaNearlyUsed {@code PortwayQuotaNearlyUsed}: a traffic warning within {@code lookback}
 * @param webhooks        URLs that get a JSON POST per notification
 * @param telegram        a Telegram bot that messages a chat; null for none
 * @param attempts        tries per notification and receiver
 * @param backoff         wait before the second try, doubled for each further one
 */
public record AlertsConfig(
        boolean enabled,
        Duration interval,
        Duration lookback,
        Duration window,
        Rule clientOffline,
        Rule tunnelDown,
        Rule httpLatency,
        Duration httpLatencyThreshold,
        Rule httpErrorRate,
        double httpErrorRateThreshold,
        Rule quotaNearlyUsed,
        List<URI> webhooks,
        Telegram telegram,
        int attempts,
        Duration backoff) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
    public static final Duration DEFAULT_LOOKBACK = Duration.ofHours(1);
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    public static final Rule DEFAULT_CLIENT_OFFLINE = new Rule(true, Duration.ofMinutes(2));
    public static final Rule DEFAULT_TUNNEL_DOWN = new Rule(true, Duration.ofMinutes(2));
    public static final Rule DEFAULT_HTTP_LATENCY = new Rule(true, Duration.ofMinutes(2));
    public static final Duration DEFAULT_HTTP_LATENCY_THRESHOLD = Duration.ofSeconds(1);
    public static final Rule DEFAULT_HTTP_ERROR_RATE = new Rule(true, Duration.ofMinutes(1));
    public static final double DEFAULT_HTTP_ERROR_RATE_THRESHOLD = 0.05;
    public static final Rule DEFAULT_QUOTA_NEARLY_USED = new Rule(true, Duration.ZERO);
    public static final int DEFAULT_ATTEMPTS = 5;
    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);

    /** Every rule on with the thresholds of alerts.yaml, no receivers: firing and resolving are only logged. */
    public static final AlertsConfig DEFAULTS = new AlertsConfig(true, DEFAULT_INTERVAL, DEFAULT_LOOKBACK, DEFAULT_WINDOW,
            DEFAULT_CLIENT_OFFLINE, DEFAULT_TUNNEL_DOWN, DEFAULT_HTTP_LATENCY, DEFAULT_HTTP_LATENCY_THRESHOLD,
            DEFAULT_HTTP_ERROR_RATE, DEFAULT_HTTP_ERROR_RATE_THRESHOLD, DEFAULT_QUOTA_NEARLY_USED, List.of(), null,
            DEFAULT_ATTEMPTS, DEFAULT_BACKOFF);

    public AlertsConfig {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(lookback, "lookback");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(clientOffline, "clientOffline");
        Objects.requireNonNull(tunnelDown, "tunnelDown");
        Objects.requireNonNull(httpLatency, "httpLatency");
        Objects.requireNonNull(httpLatencyThreshold, "httpLatencyThreshold");
        Objects.requireNonNull(httpErrorRate, "httpErrorRate");
        Objects.requireNonNull(quotaNearlyUsed, "quotaNearlyUsed");
        Objects.requireNonNull(backoff, "backoff");
        webhooks = List.copyOf(webhooks);
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
        }
    }

    /** One rule: on or off, and how long its condition must hold before it fires. */
    public record Rule(boolean enabled, Duration holdFor) {
        public Rule {
            Objects.requireNonNull(holdFor, "holdFor");
        }
    }

    /**
     * A Telegram bot. {@link #toString()} hides the token.
     *
     * @param baseUrl the Bot API's address; tests point it at a local receiver
     */
    public record Telegram(String token, String chatId, URI baseUrl) {
        public Telegram {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(chatId, "chatId");
            baseUrl = baseUrl == null ? TelegramNotifier.DEFAULT_BASE_URL : baseUrl;
        }

        @Override
        public String toString() {
            return "Telegram[chatId=" + chatId + ", baseUrl=" + baseUrl + "]";
        }
    }
}
