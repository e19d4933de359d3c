package dev.portway.monitor.events;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The live events of this server: a bounded backlog (so a reconnecting subscriber can resume from the id it saw last)
 * and the subscribers, who get each event as it is published. The backlog holds the last {@link #DEFAULT_CAPACITY}
 * lifecycle events and only the latest rate snapshot: a subscriber has no use for a snapshot once a newer one exists,
 * so snapshots every 2 s never push lifecycle events out, and a superseded snapshot does not count as lost.
 *
 * <p>Threading: publish from any thread (event loops publish lifecycle events, the monitor thread rate snapshots);
 * it takes a short lock and hands the event to each subscriber, whose {@link Subscriber#deliver} must not block (the
 * admin listener enqueues a write or drops the subscriber). Delivery happens under the lock, so every subscriber sees
 * events in id order, and a new subscriber's replay joins the live events without a gap or a repeat.
 */
public final class EventJournal {
    /** Lifecycle events held for a replay (clients and tunnels coming and going). */
    public static final int DEFAULT_CAPACITY = 256;

    private final int capacity;
    private final Clock clock;
    private final Deque<LiveEvent> lifecycle = new ArrayDeque<>();
    private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();
    private long lastId;
    /** The id of the newest lifecycle event that fell out of the backlog; 0 while none has. */
    private long evictedUpTo;
    private LiveEvent latestRates;

    public EventJournal() {
        this(DEFAULT_CAPACITY, Clock.systemUTC());
    }

    public EventJournal(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    /** Receives events; called under the journal's lock, so it must only enqueue. */
    public interface Subscriber {
        void deliver(LiveEvent event);

        /**
         * Called before the replay when some events after the subscriber's last id are no longer held (its id is
         * older than the backlog, or from before a restart of the server): the replay starts later than asked.
         */
        default void lost() {
        }
    }

    public synchronized LiveEvent publish(EventPayload payload) {
        LiveEvent event = new LiveEvent(++lastId, clock.instant(), payload);
        if (payload instanceof EventPayload.Rates) {
            latestRates = event;
        } else {
            lifecycle.addLast(event);
            if (lifecycle.size() > capacity) {
                evictedUpTo = lifecycle.removeFirst().id();
            }
        }
        for (Subscriber subscriber : subscribers) {
            subscriber.deliver(event);
        }
        return event;
    }

    /**
     * Delivers to {@code subscriber} what it missed since {@code lastEventId} (the held events after it), then every
     * event published from now on. Under one lock, so nothing is repeated or skipped between the two.
     *
     * @param lastEventId the last id the subscriber saw; negative when it saw none (nothing is replayed)
     */
    public synchronized void subscribe(long lastEventId, Subscriber subscriber) {
        if (lastEventId >= 0 && lastEventId != lastId) {
            boolean fromAnotherRun = lastEventId > lastId;
            if (fromAnotherRun || lastEventId < evictedUpTo) {
                subscriber.lost();
            }
            long after = fromAnotherRun ? 0 : lastEventId;
            LiveEvent rates = latestRates != null && latestRates.id() > after ? latestRates : null;
            for (LiveEvent event : lifecycle) {
                if (rates != null && rates.id() < event.id()) {
                    subscriber.deliver(rates);
                    rates = null;
                }
                if (event.id() > after) {
                    subscriber.deliver(event);
                }
            }
            if (rates != null) {
                subscriber.deliver(rates);
            }
        }
        subscribers.add(subscriber);
    }

    public void unsubscribe(Subscriber subscriber) {
        subscribers.remove(subscriber);
    }
}
