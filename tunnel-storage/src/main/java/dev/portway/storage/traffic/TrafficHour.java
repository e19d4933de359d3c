package dev.portway.storage.traffic;

import java.time.Instant;

/** A row of {@code traffic_hourly}. */
public record TrafficHour(long tunnelId, long userId, Instant hour, long bytesIn, long bytesOut, long connections) {
}
