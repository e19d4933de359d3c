package dev.portway.protocol.relay;

import dev.portway.protocol.config.ByteSizes;
import io.github.bucket4j.Bucket;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A bandwidth limit shared by every connection of one tunnel (or of one user): a token bucket per direction, filled
 * at the limit per second and holding one second of it (a burst of one second's bytes, then the limit). Thread-safe:
 * connections on several event loops draw from the same buckets.
 *
 * <p>A limit may follow a setting that changes while connections run (a plan changed through the admin API): the
 * buckets are made anew, without the old debt, the first time a connection uses them after the rate changed. A rate
 * of 0 is no limit.
 */
public final class Bandwidth {
    /** Above this a limit is a typo: no tunnel here carries ten gigabytes a second. */
    public static final long MAX_BYTES_PER_SECOND = 10L << 30;
    /** Below this the bucket's granularity ({@link #UNIT}) would show. */
    public static final long MIN_BYTES_PER_SECOND = 1024;
    /** No limit: its throttle lets everything through. */
    public static final Bandwidth NONE = new Bandwidth(() -> 0);
    /**
     * Bytes per token. bucket4j refills at most one token a nanosecond (1 GB/s in bytes); counting 16 bytes a token
     * allows 16 GB/s, and a read rounded up to whole tokens costs at most 15 bytes more than it carried.
     */
    static final int UNIT = 16;

    /** The two buckets for one rate. */
    record Buckets(long bytesPerSecond, Bucket fromSocket, Bucket toSocket) {
        static Buckets of(long bytesPerSecond) {
            long units = bytesPerSecond / UNIT;
            return new Buckets(bytesPerSecond, bucket(units), bucket(units));
        }
    }

    private final LongSupplier rate;
    private volatile Buckets buckets;
    private volatile long generation;

    private Bandwidth(LongSupplier rate) {
        this.rate = rate;
    }

    private static Bucket bucket(long unitsPerSecond) {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(unitsPerSecond).refillGreedy(unitsPerSecond, Duration.ofSeconds(1)))
                .build();
    }

    /**
     * A limit that follows {@code bytesPerSecond}, read each time a connection reads or writes; 0 or less is no
     * limit, and a rate outside 1KB..10GB a second is held to those bounds.
     */
    public static Bandwidth following(LongSupplier bytesPerSecond) {
        return new Bandwidth(() -> {
            long wanted = bytesPerSecond.getAsLong();
            return wanted <= 0 ? 0 : Math.max(MIN_BYTES_PER_SECOND, Math.min(MAX_BYTES_PER_SECOND, wanted));
        });
    }

    /** The buckets for the rate in force now; null when there is no limit. */
    Buckets current() {
        long now = rate.getAsLong();
        Buckets b = buckets;
        if (now <= 0) {
            if (b != null) {
                buckets = null;
                generation++;
            }
            return null;
        }
        if (b == null || b.bytesPerSecond() != now) {
            // Two connections noticing the change at once each make buckets; the last one kept wins, which only
            // forgets a few bytes of debt.
            b = Buckets.of(now);
            buckets = b;
            generation++;
        }
        return b;
    }

    /** Changes when the rate in force does (as a connection last saw it); debts taken before are void. */
    long generation() {
        current();
        return generation;
    }

    /** Tokens {@code bytes} cost: whole units, rounded up. */
    static long units(int bytes) {
        return (bytes + UNIT - 1) / UNIT;
    }

    /** @throws IllegalArgumentException unless 1KB ≤ {@code bytesPerSecond} ≤ {@link #MAX_BYTES_PER_SECOND} */
    public static Bandwidth perSecond(long bytesPerSecond) {
        if (bytesPerSecond < MIN_BYTES_PER_SECOND || bytesPerSecond > MAX_BYTES_PER_SECOND) {
            throw new IllegalArgumentException("expected 1KB to 10GB a second, got " + bytesPerSecond);
        }
        return new Bandwidth(() -> bytesPerSecond);
    }

    /**
     * Bytes per second from {@code 512KB}, {@code 1MB}, {@code 2GB} (units of 1024) or a plain number of bytes.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static long parse(String text) {
        long bytes;
        try {
            bytes = ByteSizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected a rate such as 512KB or 1MB (per second), or a number of bytes");
        }
        if (bytes < MIN_BYTES_PER_SECOND || bytes > MAX_BYTES_PER_SECOND) {
            throw new IllegalArgumentException("expected 1KB to 10GB a second");
        }
        return bytes;
    }

    /** The rate in force now; 0: no limit. */
    public long bytesPerSecond() {
        return rate.getAsLong();
    }

    /** The handler that holds one connection of the tunnel to this limit; put it between the socket and its relay. */
    public BandwidthThrottle throttle() {
        return new BandwidthThrottle(this);
    }
}
