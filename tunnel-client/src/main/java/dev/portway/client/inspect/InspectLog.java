package dev.portway.client.inspect;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The exchanges the inspector keeps: the newest {@code maxRequests}, each at its latest snapshot. Adding one beyond
 * that removes the oldest. The body bytes held here and by the observers recording exchanges stay under
 * {@code maxRequests x maxBodyBytes x 2} together (a {@link BodyBudget}): an exchange is charged for the bytes its
 * bodies keep, and gives them back once it has left the log and its recording has let go of them.
 *
 * <p>Threading: every method may be called from any thread. Observers add and update on event loops, so the lock is
 * held only to change or copy the map; listeners run on the caller's thread, after the lock is released, and must
 * only hand the snapshot on.
 */
public final class InspectLog {
    /** Told of every exchange added or changed. */
    public interface Listener {
        void changed(Exchange exchange);
    }

    /**
     * An observer's hold on its exchange: whether the log still keeps it, and the body bytes charged to it. The
     * charge goes back to the budget when both the log (eviction) and the recording ({@link #release}) are done.
     */
    final class Slot {
        final long id;
        private volatile boolean evicted;
        private boolean released;
        private long charged;

        Slot(long id) {
            this.id = id;
        }

        boolean evicted() {
            return evicted;
        }

        /** Charges {@code bytes} about to be kept; {@code false} when the exchange left the log or nothing is left. */
        synchronized boolean charge(long bytes) {
            if (evicted || released || !budget.take(bytes)) {
                return false;
            }
            charged += bytes;
            return true;
        }

        /** The recording holds no body bytes of this exchange any more; only the log's snapshot may. */
        synchronized void release() {
            released = true;
            settle();
        }

        private synchronized void evict() {
            evicted = true;
            settle();
        }

        private void settle() {
            if (evicted && released) {
                budget.give(charged);
                charged = 0;
            }
        }
    }

    private record Entry(Slot slot, Exchange exchange) {
    }

    private final int maxRequests;
    private final int maxBodyBytes;
    private final BodyBudget budget;
    private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private long lastId;

    public InspectLog(int maxRequests, int maxBodyBytes) {
        if (maxRequests < 1 || maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxRequests " + maxRequests + ", maxBodyBytes " + maxBodyBytes);
        }
        this.maxRequests = maxRequests;
        this.maxBodyBytes = maxBodyBytes;
        this.budget = new BodyBudget(2L * maxRequests * maxBodyBytes);
    }

    /** Body bytes held now, by snapshots and recordings together. */
    long bodyBytesHeld() {
        return budget.used();
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    public int maxRequests() {
        return maxRequests;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    synchronized long nextId() {
        return ++lastId;
    }

    /** Keeps a new exchange (its id from {@link #nextId}), removing the oldest beyond {@code maxRequests}. */
    Slot add(Exchange exchange) {
        Slot slot = new Slot(exchange.id());
        synchronized (this) {
            entries.put(exchange.id(), new Entry(slot, exchange));
            Iterator<Entry> oldest = entries.values().iterator();
            while (entries.size() > maxRequests) {
                oldest.next().slot().evict();
                oldest.remove();
            }
        }
        tell(exchange);
        return slot;
    }

    /** Replaces the snapshot of an exchange the log still keeps; one it removed stays removed. */
    void update(Slot slot, Exchange exchange) {
        synchronized (this) {
            if (slot.evicted) {
                return;
            }
            entries.put(slot.id, new Entry(slot, exchange));
        }
        tell(exchange);
    }

    private void tell(Exchange exchange) {
        for (Listener listener : listeners) {
            listener.changed(exchange);
        }
    }

    public synchronized Optional<Exchange> get(long id) {
        Entry entry = entries.get(id);
        return entry == null ? Optional.empty() : Optional.of(entry.exchange());
    }

    /** The newest {@code limit} exchanges that match, newest first. */
    public List<Exchange> list(Predicate<Exchange> filter, int limit) {
        List<Exchange> all;
        synchronized (this) {
            all = new ArrayList<>(entries.size());
            entries.values().forEach(entry -> all.add(entry.exchange()));
        }
        List<Exchange> matching = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && matching.size() < limit; i--) {
            if (filter.test(all.get(i))) {
                matching.add(all.get(i));
            }
        }
        return matching;
    }

    public synchronized int size() {
        return entries.size();
    }

    /** Forgets every exchange. */
    public void clear() {
        synchronized (this) {
            entries.values().forEach(entry -> entry.slot().evict());
            entries.clear();
        }
    }
}
