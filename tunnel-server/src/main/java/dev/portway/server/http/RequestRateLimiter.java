package dev.portway.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portway.protocol.control.RateLimit;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One http tunnel's request rate limit, a token bucket per public client address. IPv6 addresses count by their /64,
 * which one subscriber usually holds whole, so a client cannot escape its limit by changing its low bits. The
 * addresses remembered are bounded: the least recently seen are forgotten first, and any address unseen for a whole
 * period starts afresh, which is what its bucket would hold by then anyway.
 *
 * <p>Threading: any thread; buckets and the cache are thread-safe.
 */
final class RequestRateLimiter {
    /** At most this many addresses per tunnel; a flood from more addresses forgets the quietest ones. */
    static final int MAX_ADDRESSES = 4096;

    private final RateLimit limit;
    private final Cache<Object, Bucket> buckets;

    RequestRateLimiter(RateLimit limit) {
        this.limit = limit;
        this.buckets = Caffeine.newBuilder().maximumSize(MAX_ADDRESSES).expireAfterAccess(limit.period()).build();
    }

    /** Null when a tunnel has no limit. */
    static RequestRateLimiter of(RateLimit limit) {
        return limit == null ? null : new RequestRateLimiter(limit);
    }

    /** Takes one request from {@code peer}'s allowance: 0 when it may go on, or the seconds until it may (at least 1). */
    long secondsToWait(InetSocketAddress peer) {
        if (peer == null || peer.getAddress() == null) {
            return 0;
        }
        Bucket bucket = buckets.get(key(peer.getAddress()), ignored -> Bucket.builder()
                .addLimit(l -> l.capacity(limit.requests()).refillGreedy(limit.requests(), limit.period()))
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999) / 1_000_000_000);
    }

    /** The address itself for IPv4 (no text made per request), the first 64 bits for IPv6. */
    private static Object key(InetAddress address) {
        if (address instanceof Inet6Address) {
            return ByteBuffer.wrap(address.getAddress()).getLong();
        }
        return address;
    }
}
