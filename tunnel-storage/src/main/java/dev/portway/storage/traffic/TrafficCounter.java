package dev.portway.storage.traffic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts traffic in memory and flushes it in batches. The hot path ({@link #addBytes}, {@link #addConnection}) is a
 * map look-up and {@link LongAdder} increments, safe from any thread, never touching the database.
 *
 * <p>Every {@code flushInterval} (and on {@link #flush()} and {@link #close()}) the counters are drained into a
 * batch with a fresh id. A batch that fails stays pending and is retried <em>with the same id</em> before anything
 * newer is sent, so a flush whose commit succeeded but whose answer was lost is not counted twice. A crash loses at
 * most what was counted since the last successful flush.
 */
public final class TrafficCounter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrafficCounter.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** The tunnel id under which the traffic of a stored user's tunnels without a row (client.yaml ones) is counted. */
    public static final long UNSTORED_TUNNEL = 0;

    private record Key(long tunnelId, long userId, Instant hour) {
    }

    private static final class Counters {
        final LongAdder bytesIn = new LongAdder();
        final LongAdder bytesOut = new LongAdder();
        final LongAdder connections = new LongAdder();
    }

    private final TrafficSink sink;
    private final Duration flushInterval;
    private final Clock clock;
    private final Map<Key, Counters> counters = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private TrafficBatch pending;
    private long drains;
    private CompletableFuture<Boolean> inFlight;
    private volatile boolean closed;

    public TrafficCounter(TrafficSink sink, Duration flushInterval, Clock clock) {
        this.sink = sink;
        this.flushInterval = flushInterval;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "portway-traffic-flush");
            thread.setDaemon(true);
            return thread;
        });
    }

    public TrafficCounter start() {
        long millis = flushInterval.toMillis();
        scheduler.scheduleWithFixedDelay(this::scheduledFlush, millis, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    public void addBytes(long tunnelId, long userId, long bytesIn, long bytesOut) {
        Counters c = counters(tunnelId, userId);
        if (bytesIn != 0) {
            c.bytesIn.add(bytesIn);
        }
        if (bytesOut != 0) {
            c.bytesOut.add(bytesOut);
        }
    }

    public void addConnection(long tunnelId, long userId) {
        counters(tunnelId, userId).connections.increment();
    }

    /**
     * What this node counted of one user in the hours from the one holding {@code since} and has not stored yet.
     *
     * @param counting bytes in + out in the live counters
     * @param batch    the batch waiting to be stored (in flight, or failed and kept), null when none; the database
     *                 may hold it already, when it committed and its acknowledgement is still on the way
     * @param inBatch  that batch's bytes of the user
     * @param drains   how many batches had been made when this was taken: if more have been made by the time the
     *                 stored sums were read, the counting bytes may be in those sums too
     */
    public record Unflushed(long counting, UUID batch, long inBatch, long drains) {
    }

    /** One consistent view: drains happen under the same lock. */
    public synchronized Unflushed unflushed(long userId, Instant since) {
        Instant from = since.truncatedTo(ChronoUnit.HOURS);
        long counting = 0;
        for (Map.Entry<Key, Counters> entry : counters.entrySet()) {
            Key key = entry.getKey();
            if (key.userId() == userId && !key.hour().isBefore(from)) {
                counting += entry.getValue().bytesIn.sum() + entry.getValue().bytesOut.sum();
            }
        }
        long inBatch = 0;
        if (pending != null) {
            for (TrafficDelta delta : pending.deltas()) {
                if (delta.userId() == userId && !delta.hour().isBefore(from)) {
                    inBatch += delta.bytesIn() + delta.bytesOut();
                }
            }
        }
        return new Unflushed(counting, pending == null ? null : pending.id(), inBatch, drains);
    }

    /** How many batches were made so far; see {@link Unflushed#drains()}. */
    public synchronized long drains() {
        return drains;
    }

    private Counters counters(long tunnelId, long userId) {
        Instant hour = clock.instant().truncatedTo(ChronoUnit.HOURS);
        return counters.computeIfAbsent(new Key(tunnelId, userId, hour), k -> new Counters());
    }

    /**
     * Sends the pending batch, or a new one with everything counted so far. Completes with {@code true} when that
     * batch is stored (or there was nothing to store), {@code false} when it failed and stays pending. Never fails.
     */
    public synchronized CompletableFuture<Boolean> flush() {
        if (inFlight != null) {
            return inFlight;
        }
        if (pending == null) {
            List<TrafficDelta> deltas = drain();
            if (deltas.isEmpty()) {
                return CompletableFuture.completedFuture(true);
            }
            pending = new TrafficBatch(UUID.randomUUID(), deltas);
            drains++;
        }
        TrafficBatch batch = pending;
        CompletableFuture<Boolean> attempt;
        try {
            attempt = sink.apply(batch);
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Boolean> result = attempt.handle((applied, error) -> finish(batch, error));
        // finish() needs this monitor, so an attempt completing on another thread cannot finish before this line;
        // one that completed synchronously has already run finish() and must not be remembered as in flight.
        if (!result.isDone()) {
            inFlight = result;
        }
        return result;
    }

    private synchronized boolean finish(TrafficBatch batch, Throwable error) {
        inFlight = null;
        if (error != null) {
            log.warn("Traffic flush {} failed, keeping {} delta(s) for the next attempt: {}", batch.id(),
                    batch.deltas().size(), error.getMessage());
            return false;
        }
        if (pending == batch) {
            pending = null;
        }
        return true;
    }

    private List<TrafficDelta> drain() {
        Instant currentHour = clock.instant().truncatedTo(ChronoUnit.HOURS);
        List<TrafficDelta> deltas = new ArrayList<>();
        for (Map.Entry<Key, Counters> entry : counters.entrySet()) {
            Key key = entry.getKey();
            Counters c = entry.getValue();
            if (key.hour().isBefore(currentHour)) {
                // Past hours get no new traffic (bar a writer racing the hour boundary): drop the entry, then drain.
                counters.remove(key, c);
            }
            long in = c.bytesIn.sumThenReset();
            long out = c.bytesOut.sumThenReset();
            long connections = c.connections.sumThenReset();
            if (in != 0 || out != 0 || connections != 0) {
                deltas.add(new TrafficDelta(key.tunnelId(), key.userId(), key.hour(), in, out, connections));
            }
        }
        return deltas;
    }

    private void scheduledFlush() {
        if (!closed) {
            flush();
        }
    }

    /** Stops the schedule and flushes what is left, retrying a failed batch a few times. */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdown();
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        for (int attempt = 0; attempt < 3 && System.nanoTime() < deadline; attempt++) {
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                boolean stored = flush().get(left, TimeUnit.NANOSECONDS);
                if (stored && !hasPending() && drainIsEmpty()) {
                    return;
                }
            } catch (TimeoutException e) {
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                // flush() never fails; this is only for the compiler
                break;
            }
        }
        log.error("Traffic counters could not be stored at shutdown; the traffic since the last flush is lost");
    }

    private synchronized boolean hasPending() {
        return pending != null;
    }

    private boolean drainIsEmpty() {
        for (Counters c : counters.values()) {
            if (c.bytesIn.sum() != 0 || c.bytesOut.sum() != 0 || c.connections.sum() != 0) {
                return false;
            }
        }
        return true;
    }
}
