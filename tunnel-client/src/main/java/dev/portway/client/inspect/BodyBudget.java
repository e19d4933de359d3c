package dev.portway.client.inspect;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The body bytes the inspector may hold at once, in the log's snapshots and in the recordings still in progress
 * together. Holding the bound here, not per exchange, keeps it whatever the public side does: a thousand connections
 * that each send half a body and go silent cannot pin a thousand bodies, they find the allowance spent and record
 * their bodies as truncated until bytes come back.
 *
 * <p>Threading: any thread.
 */
final class BodyBudget {
    private final long allowance;
    private final AtomicLong used = new AtomicLong();

    BodyBudget(long allowance) {
        this.allowance = allowance;
    }

    /** Takes {@code bytes} if they fit in what is left; {@code false} takes nothing. */
    boolean take(long bytes) {
        long now;
        do {
            now = used.get();
            if (now + bytes > allowance) {
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    void give(long bytes) {
        used.addAndGet(-bytes);
    }

    long used() {
        return used.get();
    }

    long allowance() {
        return allowance;
    }
}
