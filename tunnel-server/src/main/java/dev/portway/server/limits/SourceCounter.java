package dev.portway.server.limits;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts what each source address holds of one kind (connections to a listener, handshakes in progress) against a
 * ceiling. An address's entry exists only while it holds something, so the map is as large as the set of addresses
 * connected right now.
 *
 * <p>Threading: any thread.
 */
public final class SourceCounter {
    /** Changed by a reload; what is held above a lowered ceiling stays until it is given back. */
    private volatile int max;
    private final ConcurrentHashMap<InetAddress, Integer> held = new ConcurrentHashMap<>();

    public SourceCounter(int max) {
        this.max = max;
    }

    /** Takes one unit for {@code source}; null when it holds {@code max} already. */
    public Ticket tryAcquire(InetAddress source) {
        boolean[] taken = new boolean[1];
        held.compute(source, (address, count) -> {
            int now = count == null ? 0 : count;
            if (now >= max) {
                return count;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0] ? new Ticket(source) : null;
    }

    public void setMax(int newMax) {
        max = newMax;
    }

    public int max() {
        return max;
    }

    /** Units {@code source} holds right now. */
    public int held(InetAddress source) {
        return held.getOrDefault(source, 0);
    }

    /** One unit held by one address; giving it back twice gives back one. */
    public final class Ticket {
        private final InetAddress source;
        private final AtomicBoolean returned = new AtomicBoolean();

        private Ticket(InetAddress source) {
            this.source = source;
        }

        public void release() {
            if (returned.compareAndSet(false, true)) {
                held.computeIfPresent(source, (address, count) -> count <= 1 ? null : count - 1);
            }
        }
    }
}
