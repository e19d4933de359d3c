package dev.portway.monitor.alerts;

import java.time.Duration;

/** The part every built-in rule shares: a name, a severity and a hold time fixed when the rule is made. */
abstract class NamedAlertRule implements AlertRule {
    private final String name;
    private final String severity;
    private final Duration holdFor;

    NamedAlertRule(String name, String severity, Duration holdFor) {
        this.name = name;
        this.severity = severity;
        this.holdFor = holdFor;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String severity() {
        return severity;
    }

    @Override
    public final Duration holdFor() {
        return holdFor;
    }
}
