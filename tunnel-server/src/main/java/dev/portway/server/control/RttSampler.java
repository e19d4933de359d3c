package dev.portway.server.control;

import dev.portway.monitor.TunnelMetrics;

/**
 * Copies every connected client's latest control-connection round trip into the meters. The sessions measure it
 * on each PONG anyway; sampling once per keep-alive interval costs one pass over the registry and nothing on the
 * sessions' event loops.
 */
public final class RttSampler implements Runnable {
    private final SessionRegistry registry;
    private final TunnelMetrics metrics;

    public RttSampler(SessionRegistry registry, TunnelMetrics metrics) {
        this.registry = registry;
        this.metrics = metrics;
    }

    @Override
    public void run() {
        for (ClientSession client : registry.all()) {
            long rtt = client.session().rttNanos();
            if (rtt >= 0) {
                metrics.controlRtt(client.clientId(), rtt);
            }
        }
    }
}
