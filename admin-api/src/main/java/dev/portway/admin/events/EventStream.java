package dev.portway.admin.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.ResponseStream;
import dev.portway.monitor.events.EventJournal;
import dev.portway.monitor.events.EventPayload;
import dev.portway.monitor.events.LiveEvent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One subscriber of the {@link EventJournal}, rendering each event it may see as one SSE message:
 * {@code id}, {@code event} (the type) and {@code data} (one line of JSON with {@code time} and the event's fields).
 * A missing part of the backlog is announced by an {@code events.lost} message without an id.
 *
 * <p>The stream's key or session is checked again every {@link #RECHECK_EVERY} (at the next event after that; the server
 * publishes rates every few seconds): the stream ends once it would be refused, so revoking the key, suspending its
 * user, signing out or the session's expiry close the streams it opened too.
 *
 * <p>Threading: events arrive under the journal's lock on whichever thread published them; rendering is a little
 * JSON, and the sink only enqueues. When the sink refuses (slow reader), this subscriber leaves the journal.
 */
final class EventStream implements ResponseStream, EventJournal.Subscriber {
    static final Duration RECHECK_EVERY = Duration.ofSeconds(30);

    private final EventJournal journal;
    private final long lastEventId;
    /** Null: an admin, who sees everything. */
    private final String viewer;
    private final Supplier<CompletableFuture<?>> recheck;
    private final long recheckNanos;
    private final AtomicLong nextCheckNanos;
    private volatile Sink sink;

    /** @param recheck authenticates the stream's request again; fails when it would now be refused */
    EventStream(EventJournal journal, long lastEventId, String viewer, Supplier<CompletableFuture<?>> recheck,
                Duration recheckEvery) {
        this.journal = journal;
        this.lastEventId = lastEventId;
        this.viewer = viewer;
        this.recheck = recheck;
        this.recheckNanos = recheckEvery.toNanos();
        this.nextCheckNanos = new AtomicLong(System.nanoTime() + recheckNanos);
    }

    @Override
    public void start(Sink sink) {
        this.sink = sink;
        // Tells the browser's EventSource how soon to reconnect; and the client sees the stream is open.
        sink.send("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
        journal.subscribe(lastEventId, this);
    }

    @Override
    public void stop() {
        journal.unsubscribe(this);
    }

    @Override
    public void deliver(LiveEvent event) {
        long next = nextCheckNanos.get();
        if (System.nanoTime() - next >= 0 && nextCheckNanos.compareAndSet(next, System.nanoTime() + recheckNanos)) {
            recheck.get().whenComplete((allowed, refused) -> {
                if (refused != null) {
                    journal.unsubscribe(this);
                    sink.end();
                }
            });
        }
        EventPayload visible = viewer == null ? event.payload() : event.payload().visibleTo(viewer);
        if (visible == null) {
            return;
        }
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("time", event.time().toString());
        data.setAll((ObjectNode) Json.MAPPER.valueToTree(visible));
        send("id: " + event.id() + "\nevent: " + visible.type() + "\ndata: " + data + "\n\n");
    }

    @Override
    public void lost() {
        send("event: events.lost\ndata: {\"message\":\"some events after Last-Event-ID are no longer held\"}\n\n");
    }

    private void send(String message) {
        if (!sink.send(message.getBytes(StandardCharsets.UTF_8))) {
            journal.unsubscribe(this);
        }
    }
}
