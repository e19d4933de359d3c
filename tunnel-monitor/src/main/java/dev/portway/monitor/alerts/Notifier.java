package dev.portway.monitor.alerts;

/**
 * Where notifications go. {@link #send} returns at once: delivery, retries and failures happen elsewhere, so a
 * receiver that is down never delays the next evaluation.
 */
public interface Notifier extends AutoCloseable {
    void send(AlertNotification notification);

    /** Stops retrying; deliveries still pending are given up. */
    @Override
    default void close() {
    }
}
