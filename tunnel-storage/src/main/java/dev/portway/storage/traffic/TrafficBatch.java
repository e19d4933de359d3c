package dev.portway.storage.traffic;

import java.util.List;
import java.util.UUID;

/** One flush. Its {@code id} is stored with the deltas, so applying the same batch twice counts it once. */
public record TrafficBatch(UUID id, List<TrafficDelta> deltas) {
    public TrafficBatch {
        deltas = List.copyOf(deltas);
    }
}
