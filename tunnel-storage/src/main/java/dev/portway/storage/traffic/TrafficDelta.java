package dev.portway.storage.traffic;

import java.time.Instant;

/** Traffic of one tunnel in one hour, counted since the previous flush. */
public record TrafficDelta(long tunnelId, long userId, Instant hour, long bytesIn, long bytesOut, long connections) {
}
