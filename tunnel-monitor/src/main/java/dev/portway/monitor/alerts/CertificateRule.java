package dev.portway.monitor.alerts;

import dev.portway.monitor.MeterReadings;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code PortwayCertificate}: a certificate the server serves expires within 14 days ({@code problem=expiring}), or
 * its renewal has failed ({@code problem=renewal_failing}). Each certificate and problem fires once while it holds
 * and resolves on its own: a renewal that succeeds ends both.
 */
public final class CertificateRule extends NamedAlertRule {
    static final Duration EXPIRING_WITHIN = Duration.ofDays(14);

    public CertificateRule() {
        super("PortwayCertificate", "warning", Duration.ZERO);
    }

    @Override
    public List<AlertCondition> evaluate(MeterReadings readings, Instant now) {
        List<AlertCondition> conditions = new ArrayList<>();
        readings.certificates().forEach((name, state) -> {
            Duration left = Duration.between(now, state.notAfter());
            if (left.compareTo(EXPIRING_WITHIN) < 0) {
                conditions.add(new AlertCondition(Map.of("certificate", name, "problem", "expiring"),
                        "certificate expiring within 14 days: " + name + " expires " + state.notAfter()));
            }
            if (state.renewalFailures() > 0) {
                conditions.add(new AlertCondition(Map.of("certificate", name, "problem", "renewal_failing"),
                        "renewal failing: " + name + " (" + state.renewalFailures() + " failed attempt(s) in a row)"));
            }
        });
        return conditions;
    }
}
