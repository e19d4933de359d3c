package dev.portway.monitor.events;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
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
    @FunctionalInterface
    public interface Subscriber {
        void deliver(LiveEvent event);
    }

    /**
     * What a new subscriber missed: the held events after its last id. {@code lost} is true when some of them are
     * no longer held (its id is older than the backlog, or from before a restart of the server).
     */
    public record Replay(List<LiveEvent> events, boolean lost) {
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
     * Adds {@code subscriber} for every event after now and returns what it missed since {@code lastEventId}.
     *
     * @param lastEventId the last id the subscriber saw; negative when it saw none (nothing is replayed)
     */
    public synchronized Replay subscribe(long lastEventId, Subscriber subscriber) {
        subscribers.add(subscriber);
        if (lastEventId < 0 || lastEventId == lastId) {
            return new Replay(List.of(), false);
        }
        long oldestHeld = backlog.isEmpty() ? lastId + 1 : backlog.peekFirst().id();
        boolean lost = lastEventId > lastId || lastEventId < oldestHeld - 1;
        long after = lastEventId > lastId ? 0 : lastEventId;
        List<LiveEvent> missed = new ArrayList<>();
        for (LiveEvent event : backlog) {
            if (event.id() > after) {
                missed.add(event);
            }
        }
        return new Replay(missed, lost);
    }

    public void unsubscribe(Subscriber subscriber) {
        subscribers.remove(subscriber);
    }

    public int subscribers() {
        return subscribers.size();
    }
}
