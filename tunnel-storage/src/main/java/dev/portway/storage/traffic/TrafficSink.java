package dev.portway.storage.traffic;

import java.util.concurrent.CompletableFuture;

/** Where {@link TrafficCounter} sends its batches; {@link TrafficRepository} in production. */
@FunctionalInterface
public interface TrafficSink {
    /** Completes with {@code false} when this batch id was applied before (nothing was added this time). */
    CompletableFuture<Boolean> apply(TrafficBatch batch);
}
