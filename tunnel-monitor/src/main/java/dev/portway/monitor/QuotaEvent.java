package dev.portway.monitor;

/** Plan limits that were approached or hit; plans arrive with the database, the kinds are fixed now. */
public enum QuotaEvent {
    /** A user's traffic passed the warning share of its plan's monthly allowance. */
    TRAFFIC_NEARLY_USED,
    TRAFFIC_EXCEEDED,
    BANDWIDTH_THROTTLED,
    CONNECTIONS_LIMITED,
    TUNNELS_LIMITED;

    public String label() {
        return LabelValue.of(this);
    }
}
