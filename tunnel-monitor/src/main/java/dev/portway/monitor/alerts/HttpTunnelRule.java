package dev.portway.monitor.alerts;

import dev.portway.monitor.MeterReadings.HttpTotals;
import dev.portway.monitor.MeterReadings;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rule checked per HTTP tunnel on the requests it answered within a sliding window; a tunnel with no requests in
 * the window never fires. The condition is labelled {@code tunnel}.
 */
abstract class HttpTunnelRule extends NamedAlertRule {
    private final HttpWindow window;

    HttpTunnelRule(String name, Duration window, Duration holdFor) {
        super(name, "warning", holdFor);
        this.window = new HttpWindow(window);
    }

    @Override
    public final List<AlertCondition> evaluate(MeterReadings readings, Instant now) {
        List<AlertCondition> failing = new ArrayList<>();
        window.deltas(readings, now).forEach((tunnel, delta) -> {
            if (delta.count() == 0) {
                return;
            }
            problem(tunnel, delta).ifPresent(summary ->
                    failing.add(new AlertCondition(Map.of("tunnel", tunnel), summary)));
        });
        return failing;
    }

    /**
     * @param delta the tunnel's requests within the window, at least one
     * @return the alert's summary when the condition holds for this tunnel
     */
    abstract Optional<String> problem(String tunnel, HttpTotals delta);
}
