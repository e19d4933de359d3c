package dev.portway.monitor.events;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The live events of this server: a bounded backlog of the last {@link #DEFAULT_CAPACITY} events (so a reconnecting
 * subscriber can resume from the id it saw last) and the subscribers, who get each event as it is published.
 *
 * <p>Threading: publish from any thread (event loops publish lifecycle events, the monitor thread rate snapshots);
 * it takes a short lock and hands the event to each subscriber, whose {@link Subscriber#deliver} must not block (the
 * admin listener enqueues a write or drops the subscriber). Delivery happens under the lock, so every subscriber sees
 * events in id order, and a new subscriber's replay joins the live events without a gap or a repeat.
 */
public final class EventJournal {
    /** About eight minutes of rate snapshots every 2 s with a few lifecycle events in between. */
    public static final int DEFAULT_CAPACITY = 256;

    private final int capacity;
    private final Clock clock;
    private final Deque<LiveEvent> backlog = new ArrayDeque<>();
    private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();
    private long lastId;

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
        backlog.addLast(event);
        if (backlog.size() > capacity) {
            backlog.removeFirst();
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
            long oldestHeld = backlog.isEmpty() ? lastId + 1 : backlog.peekFirst().id();
            boolean fromAnotherRun = lastEventId > lastId;
            if (fromAnotherRun || lastEventId < oldestHeld - 1) {
                subscriber.lost();
            }
            long after = fromAnotherRun ? 0 : lastEventId;
            for (LiveEvent event : backlog) {
                if (event.id() > after) {
                    subscriber.deliver(event);
                }
            }
        }
        subscribers.add(subscriber);
    }

    public void unsubscribe(Subscriber subscriber) {
        subscribers.remove(subscriber);
    }
}
