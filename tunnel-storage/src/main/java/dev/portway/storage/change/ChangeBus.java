package dev.portway.storage.change;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Delivers change events to the caches of this node, and to other nodes through PostgreSQL NOTIFY on
 * {@value #CHANNEL}. A NOTIFY sent inside a transaction is delivered only if and when that transaction commits, so
 * other nodes never invalidate for a change that rolled back.
 */
public final class ChangeBus {
    public static final String CHANNEL = "portway_changes";
    private static final Logger log = LoggerFactory.getLogger(ChangeBus.class);

    private final List<Consumer<ChangeEvent>> subscribers = new CopyOnWriteArrayList<>();

    public void subscribe(Consumer<ChangeEvent> subscriber) {
        subscribers.add(subscriber);
    }

    /** Applies an event to this node's subscribers. */
    public void dispatch(ChangeEvent event) {
        for (Consumer<ChangeEvent> subscriber : subscribers) {
            try {
                subscriber.accept(event);
            } catch (RuntimeException e) {
                log.error("Cache invalidation for {} failed", event, e);
            }
        }
    }

    /** Queues the NOTIFY for other nodes on the given connection, in its current transaction. */
    public static void notifyOthers(Connection connection, ChangeEvent event) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            statement.setString(1, CHANNEL);
            statement.setString(2, event.payload());
            statement.execute();
        }
    }
}
