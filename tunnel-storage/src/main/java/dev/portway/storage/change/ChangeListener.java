package dev.portway.storage.change;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Receives other nodes' invalidations: one thread holding its own connection (outside the pool, so pool
 * housekeeping never closes it) that LISTENs on {@value ChangeBus#CHANNEL} and hands each payload to the
 * {@link ChangeBus}.
 *
 * <p>When the connection drops, the thread reconnects with backoff (up to 10 s). Notifications sent meanwhile are
 * lost, so after every reconnect it dispatches {@link ChangeEvent#EVERYTHING}: caches reload rather than serve what
 * may have changed. This node's own NOTIFYs also arrive here; invalidating twice is harmless.
 */
public final class ChangeListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChangeListener.class);
    private static final int POLL_MILLIS = 500;
    private static final int POLLS_PER_HEALTH_CHECK = 10;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    /** Opens a connection that the listener owns; it must not come from the pool. */
    @FunctionalInterface
    public interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    private final ConnectionFactory factory;
    private final ChangeBus bus;
    private final Thread thread;
    private final CompletableFuture<Void> firstListen = new CompletableFuture<>();
    private volatile boolean running = true;
    private volatile Connection connection;

    public ChangeListener(ConnectionFactory factory, ChangeBus bus) {
        this.factory = factory;
        this.bus = bus;
        this.thread = new Thread(this::run, "portway-change-listener");
        this.thread.setDaemon(true);
    }

    public ChangeListener start() {
        thread.start();
        return this;
    }

    /** Completes once the first LISTEN is in place; tests wait on it before changing anything. */
    public CompletableFuture<Void> listening() {
        return firstListen;
    }

    private void run() {
        long backoffMillis = 250;
        boolean connectedBefore = false;
        boolean outageLogged = false;
        while (running) {
            try (Connection c = factory.open()) {
                connection = c;
                try (Statement statement = c.createStatement()) {
                    statement.execute("LISTEN " + ChangeBus.CHANNEL);
                }
                if (connectedBefore) {
                    log.info("Change listener reconnected; dropping cached entries that may have changed meanwhile");
                    bus.dispatch(ChangeEvent.EVERYTHING);
                }
                connectedBefore = true;
                outageLogged = false;
                backoffMillis = 250;
                firstListen.complete(null);
                listen(c);
            } catch (SQLException e) {
                if (!running) {
                    break;
                }
                if (!outageLogged) {
                    log.warn("Change listener lost its database connection, retrying: {}", e.getMessage());
                    outageLogged = true;
                }
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException interrupted) {
                    break;
                }
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
            } finally {
                connection = null;
            }
        }
    }

    private void listen(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        int polls = 0;
        while (running) {
            PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
            if (notifications != null) {
                for (PGNotification notification : notifications) {
                    ChangeEvent.parse(notification.getParameter()).ifPresentOrElse(bus::dispatch,
                            () -> log.debug("Ignoring unknown change payload {}", notification.getParameter()));
                }
            }
            if (++polls % POLLS_PER_HEALTH_CHECK == 0) {
                // A silently dropped connection would otherwise look like a quiet channel forever.
                try (Statement statement = c.createStatement()) {
                    statement.execute("SELECT 1");
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing is all we wanted
            }
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
