package dev.portway.monitor.alerts;

import dev.portway.monitor.MeterReadings;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Something that was present within the look-back period and is gone now: a client that went offline, a tunnel that
 * went down ({@code present_over_time(x[1h]) unless x} in {@code alerts.yaml}). At most {@link #MAX_TRACKED}
 * instances are remembered; beyond that the longest-gone are forgotten first, so the label set stays bounded.
 *
 * @param <K> what is present or not (a client id, a tunnel)
 */
public final class AbsenceRule<K> extends NamedAlertRule {
    static final int MAX_TRACKED = 10_000;

    private final Duration lookback;
    private final Function<MeterReadings, Set<K>> present;
    private final Function<K, Map<String, String>> labels;
    private final Function<K, String> summary;
    private final Map<K, Instant> lastSeen = new HashMap<>();

    private AbsenceRule(String name, Duration holdFor, Duration lookback, Function<MeterReadings, Set<K>> present,
                        Function<K, Map<String, String>> labels, Function<K, String> summary) {
        super(name, "warning", holdFor);
        this.lookback = lookback;
        this.present = present;
        this.labels = labels;
        this.summary = summary;
    }

    /** {@code PortwayClientOffline}: labels {@code client}. */
    public static AbsenceRule<String> clientOffline(Duration holdFor, Duration lookback) {
        return new AbsenceRule<>("PortwayClientOffline", holdFor, lookback, MeterReadings::connectedClients,
                client -> Map.of("client", client), client -> "Portway client " + client + " is offline");
    }

    /** {@code PortwayTunnelDown}: labels {@code tunnel}, {@code user}, {@code type}. */
    public static AbsenceRule<MeterReadings.UpTunnel> tunnelDown(Duration holdFor, Duration lookback) {
        return new AbsenceRule<>("PortwayTunnelDown", holdFor, lookback, MeterReadings::openTunnels,
                t -> Map.of("tunnel", t.tunnel(), "user", t.user(), "type", t.type()),
                t -> "Portway " + t.type() + " tunnel " + t.tunnel() + " of " + t.user() + " is down");
    }

    @Override
    public List<AlertCondition> evaluate(MeterReadings readings, Instant now) {
        Set<K> here = present.apply(readings);
        here.forEach(k -> lastSeen.put(k, now));
        Instant horizon = now.minus(lookback);
        lastSeen.values().removeIf(seen -> seen.isBefore(horizon));
        if (lastSeen.size() > MAX_TRACKED) {
            lastSeen.entrySet().stream()
                    .filter(e -> !here.contains(e.getKey()))
                    .sorted(Map.Entry.comparingByValue(Comparator.naturalOrder()))
                    .limit(lastSeen.size() - MAX_TRACKED)
                    .map(Map.Entry::getKey)
                    .toList()
                    .forEach(lastSeen::remove);
        }
        List<AlertCondition> gone = new ArrayList<>();
        lastSeen.keySet().stream()
                .filter(k -> !here.contains(k))
                .forEach(k -> gone.add(new AlertCondition(labels.apply(k), summary.apply(k))));
        return gone;
    }
}
