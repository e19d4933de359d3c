package dev.portway.protocol.relay;

import io.github.bucket4j.Bucket;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bandwidth limit shared by every connection of one tunnel: a token bucket per direction, filled at the limit per
 * second and holding one second of it (a burst of one second's bytes, then the limit). Thread-safe: connections on
 * several event loops draw from the same buckets.
 */
public final class Bandwidth {
    /** Above this a limit is a typo: no tunnel here carries ten gigabytes a second. */
    public static final long MAX_BYTES_PER_SECOND = 10L << 30;
    /** Below this the bucket's granularity ({@link #UNIT}) would show. */
    public static final long MIN_BYTES_PER_SECOND = 1024;
    /**
     * Bytes per token. bucket4j refills at most one token a nanosecond (1 GB/s in bytes); counting 16 bytes a token
     * allows 16 GB/s, and a read rounded up to whole tokens costs at most 15 bytes more than it carried.
     */
    static final int UNIT = 16;
    private static final Pattern RATE = Pattern.compile("(\\d{1,12})\\s*(B|KB|MB|GB)?", Pattern.CASE_INSENSITIVE);

    private final long bytesPerSecond;
    private final Bucket fromSocket;
    private final Bucket toSocket;

    private Bandwidth(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        this.fromSocket = bucket(bytesPerSecond / UNIT);
        this.toSocket = bucket(bytesPerSecond / UNIT);
    }

    private static Bucket bucket(long unitsPerSecond) {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(unitsPerSecond).refillGreedy(unitsPerSecond, Duration.ofSeconds(1)))
                .build();
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
        return new Bandwidth(bytesPerSecond);
    }

    /**
     * Bytes per second from {@code 512KB}, {@code 1MB}, {@code 2GB} (units of 1024) or a plain number of bytes.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static long parse(String text) {
        Matcher m = text == null ? null : RATE.matcher(text.strip());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("expected a rate such as 512KB or 1MB (per second), or a number of bytes");
        }
        long value = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        int shift = switch (unit) {
            case "KB" -> 10;
            case "MB" -> 20;
            case "GB" -> 30;
            default -> 0;
        };
        long bytes = value << shift;
        if (value > MAX_BYTES_PER_SECOND >> shift || bytes < MIN_BYTES_PER_SECOND) {
            throw new IllegalArgumentException("expected 1KB to 10GB a second");
        }
        return bytes;
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** The handler that holds one connection of the tunnel to this limit; put it between the socket and its relay. */
    public BandwidthThrottle throttle() {
        return new BandwidthThrottle(fromSocket, toSocket);
    }
}
