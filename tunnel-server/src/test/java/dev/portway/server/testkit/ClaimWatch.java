package dev.portway.server.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Samples a cluster's {@code live_claims} every 20 ms on a thread of its own while nodes die and clients move: every
 * watched tcp port is held by its own client or by nobody, never by another client and never twice.
 */
public final class ClaimWatch implements AutoCloseable {
    private final ClusterFixture cluster;
    /** Port number (as the claim names it) → the client id that owns it. */
    private final Map<String, String> owners;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger samples = new AtomicInteger();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Thread thread;

    public ClaimWatch(ClusterFixture cluster, Map<String, String> owners) {
        this.cluster = cluster;
        this.owners = Map.copyOf(owners);
        this.thread = new Thread(this::run, "claim-watch");
        thread.start();
    }

    private void run() {
        try (Connection c = cluster.database()) {
            while (!stop.get()) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT c.name, s.client_id,"
                        + " count(*) OVER (PARTITION BY c.name) AS holders FROM live_claims c"
                        + " JOIN sessions s ON s.id = c.session_id WHERE c.kind = 'tcp'")) {
                    while (rs.next()) {
                        String owner = owners.get(rs.getString(1));
                        if (owner != null && (!owner.equals(rs.getString(2)) || rs.getInt(3) != 1)) {
                            violations.add("port " + rs.getString(1) + " held by " + rs.getString(2)
                                    + " (" + rs.getInt(3) + " holders)");
                        }
                    }
                }
                samples.incrementAndGet();
                Thread.sleep(20);
            }
        } catch (SQLException | InterruptedException e) {
            violations.add("sampling failed: " + e);
        }
    }

    /** Stops sampling; the samples taken. */
    public int stop() throws InterruptedException {
        stop.set(true);
        thread.join();
        return samples.get();
    }

    /** What was seen wrong: a port held by another client or by several at once, or a failed sample. */
    public List<String> violations() {
        return violations;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
