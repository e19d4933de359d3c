package dev.portway.monitor.alerts;

import java.util.Locale;

/** The two states a notification announces, as Alertmanager names them. */
public enum AlertState {
    FIRING,
    RESOLVED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
