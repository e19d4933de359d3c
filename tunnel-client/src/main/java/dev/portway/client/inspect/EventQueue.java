package dev.portway.client.inspect;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The changes one live page has not been sent yet. Event loops only offer to it, never wait: a page that falls more
 * than {@link #CAPACITY} changes behind is told to reload ({@code event: reset}) instead of growing the queue. It
 * queues ids, not snapshots, and sends each exchange as the log holds it when the page is written to: a page that
 * reads slowly holds no bodies or heads the log has let go of, and sees an exchange that changed often once.
 *
 * <p>Threading: {@link #changed} from any thread; {@link #drainTo} from the page's one thread.
 */
final class EventQueue implements InspectLog.Listener {
    static final int CAPACITY = 1024;
    private static final long PING_SECONDS = 15;

    private final InspectLog inspectLog;
    private final BlockingQueue<Long> changes = new ArrayBlockingQueue<>(CAPACITY);
    private volatile boolean overflowed;

    EventQueue(InspectLog inspectLog) {
        this.inspectLog = inspectLog;
    }

    @Override
    public void changed(Exchange exchange) {
        if (!changes.offer(exchange.id())) {
            overflowed = true;
        }
    }

    /** Writes events until the page goes away (an IOException) or falls behind. */
    void drainTo(OutputStream out) throws IOException, InterruptedException {
        List<Long> batch = new ArrayList<>();
        while (true) {
            Long first = changes.poll(PING_SECONDS, TimeUnit.SECONDS);
            StringBuilder events = new StringBuilder();
            if (overflowed) {
                out.write("event: reset\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                return;
            }
            if (first == null) {
                events.append(": ping\n\n");
            } else {
                batch.clear();
                batch.add(first);
                changes.drainTo(batch);
                for (long id : new LinkedHashSet<>(batch)) {
                    Optional<Exchange> exchange = inspectLog.get(id);
                    if (exchange.isPresent()) {
                        events.append("event: request\ndata: ")
                                .append(InspectJson.MAPPER.writeValueAsString(InspectJson.summary(exchange.get())))
                                .append("\n\n");
                    }
                }
            }
            out.write(events.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
