package dev.portway.server.limits;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * One tunnel's {@code maxConnections}: how many public connections (an HTTP connection's stream while it stays with the
 * tunnel) it carries at once. Over it, a TCP connection is reset and an HTTP request answered 429. The limit may
 * follow a plan that changes while the tunnel runs: each new connection is held to the limit in force then, and
 * connections open already are not cut when it drops.
 *
 * <p>Threading: any thread.
 */
public final class ConnectionCap {
    /** No limit: every acquisition succeeds and costs nothing. */
    public static final ConnectionCap NONE = new ConnectionCap(() -> 0);

    private final IntSupplier max;
    private final AtomicInteger held = new AtomicInteger();

    private ConnectionCap(IntSupplier max) {
        this.max = max;
    }

    /** @param max connections at once; 0: no limit */
    public static ConnectionCap of(int max) {
        return max <= 0 ? NONE : new ConnectionCap(() -> max);
    }

    /** @param max read at each new connection; 0 or less: no limit */
    public static ConnectionCap following(IntSupplier max) {
        return new ConnectionCap(max);
    }

    /** Whether one more would fit now (another thread may take it first; {@link #tryAcquire} decides). */
    public boolean hasRoom() {
        int limit = max.getAsInt();
        return limit <= 0 || held.get() < limit;
    }

    /** One connection's place; null when the tunnel carries {@code max} already. */
    public Ticket tryAcquire() {
        int limit = max.getAsInt();
        if (limit <= 0 && this == NONE) {
            return Ticket.FREE;
        }
        int now;
        do {
            now = held.get();
            if (limit > 0 && now >= limit) {
                return null;
            }
        } while (!held.compareAndSet(now, now + 1));
        return new Ticket(held);
    }

    public int held() {
        return held.get();
    }

    /** The limit in force now; 0: none. */
    public int max() {
        return Math.max(0, max.getAsInt());
    }

    /** A place held; giving it back twice gives back one. */
    public static final class Ticket {
        static final Ticket FREE = new Ticket(null);

        private final AtomicInteger held;
        private final AtomicBoolean returned = new AtomicBoolean();

        private Ticket(AtomicInteger held) {
            this.held = held;
        }

        public void release() {
            if (held != null && returned.compareAndSet(false, true)) {
                held.decrementAndGet();
            }
        }
    }
}
