package dev.portway.server.alerts;

import dev.portway.monitor.MeterReadings;
import dev.portway.monitor.alerts.AbsenceRule;
import dev.portway.monitor.alerts.AlertDelivery;
import dev.portway.monitor.alerts.AlertEvaluator;
import dev.portway.monitor.alerts.AlertRule;
import dev.portway.monitor.alerts.CertificateRule;
import dev.portway.monitor.alerts.FiringAlert;
import dev.portway.monitor.alerts.HttpErrorRateRule;
import dev.portway.monitor.alerts.HttpLatencyRule;
import dev.portway.monitor.alerts.Notifier;
import dev.portway.monitor.alerts.QuotaNearlyUsedRule;
import dev.portway.monitor.alerts.TelegramNotifier;
import dev.portway.monitor.alerts.WebhookNotifier;
import dev.portway.server.config.AlertsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The server's own alerting as {@code alerts:} in server.yaml configures it: the enabled rules, evaluated at the
 * configured interval on the monitor thread (never an event loop), notifying the configured webhooks and Telegram bot.
 */
public final class ServerAlerts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerAlerts.class);

    private final AlertEvaluator evaluator;
    private final ScheduledFuture<?> evaluation;
    private final AlertDelivery delivery;

    private ServerAlerts(AlertEvaluator evaluator, ScheduledFuture<?> evaluation, AlertDelivery delivery) {
        this.evaluator = evaluator;
        this.evaluation = evaluation;
        this.delivery = delivery;
    }

    /** Starts evaluating at once; the first evaluation also records what is present, for the absence rules. */
    public static ServerAlerts start(AlertsConfig config, MeterReadings readings, ScheduledExecutorService scheduler) {
        List<AlertRule> rules = rules(config);
        AlertDelivery delivery = new AlertDelivery(config.attempts(), config.backoff());
        List<Notifier> notifiers = new ArrayList<>();
        for (URI webhook : config.webhooks()) {
            notifiers.add(new WebhookNotifier(webhook, delivery));
        }
        if (config.telegram() != null) {
            AlertsConfig.Telegram telegram = config.telegram();
            notifiers.add(new TelegramNotifier(telegram.baseUrl(), telegram.token(), telegram.chatId(), delivery));
        }
        AlertEvaluator evaluator = new AlertEvaluator(readings, rules, notifiers, Clock.systemUTC());
        long interval = config.interval().toNanos();
        ScheduledFuture<?> evaluation = scheduler.scheduleAtFixedRate(evaluator, 0, interval, TimeUnit.NANOSECONDS);
        log.debug("alerts evaluated every {} ms: rules={} webhooks={} telegram={}", config.interval().toMillis(),
                rules.stream().map(AlertRule::name).toList(), config.webhooks().size(),
                config.telegram() != null ? "chat " + config.telegram().chatId() : "none");
        return new ServerAlerts(evaluator, evaluation, delivery);
    }

    static List<AlertRule> rules(AlertsConfig config) {
        List<AlertRule> rules = new ArrayList<>();
        if (config.clientOffline().enabled()) {
            rules.add(AbsenceRule.clientOffline(config.clientOffline().holdFor(), config.lookback()));
        }
        if (config.tunnelDown().enabled()) {
            rules.add(AbsenceRule.tunnelDown(config.tunnelDown().holdFor(), config.lookback()));
        }
        if (config.httpLatency().enabled()) {
            rules.add(new HttpLatencyRule(config.httpLatencyThreshold(), config.window(),
                    config.httpLatency().holdFor()));
        }
        if (config.httpErrorRate().enabled()) {
            rules.add(new HttpErrorRateRule(config.httpErrorRateThreshold(), config.window(),
                    config.httpErrorRate().holdFor()));
        }
        if (config.quotaNearlyUsed().enabled()) {
            rules.add(new QuotaNearlyUsedRule(config.lookback(), config.quotaNearlyUsed().holdFor()));
        }
        // Always on: a certificate about to expire or failing to renew is never something to leave unsaid.
        rules.add(new CertificateRule());
        return rules;
    }

    /** What fired at the last evaluation, for {@code GET /api/v1/alerts}. */
    public List<FiringAlert> firing() {
        return evaluator.firing();
    }

    @Override
    public void close() {
        evaluation.cancel(false);
        delivery.close();
    }
}
