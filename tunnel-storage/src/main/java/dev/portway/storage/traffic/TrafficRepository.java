package dev.portway.storage.traffic;

import dev.portway.storage.db.Jdbc;
import dev.portway.storage.db.Rows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Hourly traffic history; batches are applied idempotently by their flush id. */
public final class TrafficRepository implements TrafficSink {
    /** How long an applied flush's id is remembered to recognise a retry. */
    public static final Duration FLUSH_IDS_KEPT = Duration.ofDays(1);

    private final Jdbc jdbc;

    public TrafficRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records the flush id and adds the deltas in one transaction. A batch whose id is already recorded (a retry
     * after a lost acknowledgement) changes nothing and completes with {@code false}. Ids older than
     * {@link #FLUSH_IDS_KEPT} are forgotten on the way: a node retries only its latest batch, and only until the
     * database answers, so an id that old is never sent again.
     */
    @Override
    public CompletableFuture<Boolean> apply(TrafficBatch batch) {
        return jdbc.transaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement(
                    "DELETE FROM traffic_flushes WHERE applied_at < now() - make_interval(secs => ?) AND id <> ?")) {
                // Never this batch's own id: a retry after a long outage must still find it.
                s.setLong(1, FLUSH_IDS_KEPT.toSeconds());
                s.setObject(2, batch.id());
                s.executeUpdate();
            }
            try (PreparedStatement s = tx.connection().prepareStatement(
                    "INSERT INTO traffic_flushes (id) VALUES (?) ON CONFLICT (id) DO NOTHING")) {
                s.setObject(1, batch.id());
                if (s.executeUpdate() == 0) {
                    return false;
                }
            }
            try (PreparedStatement s = tx.connection().prepareStatement("INSERT INTO traffic_hourly"
                    + " (tunnel_id, user_id, hour, bytes_in, bytes_out, connections) VALUES (?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (user_id, hour, tunnel_id) DO UPDATE SET"
                    + " bytes_in = traffic_hourly.bytes_in + excluded.bytes_in,"
                    + " bytes_out = traffic_hourly.bytes_out + excluded.bytes_out,"
                    + " connections = traffic_hourly.connections + excluded.connections")) {
                for (TrafficDelta delta : batch.deltas()) {
                    s.setLong(1, delta.tunnelId());
                    s.setLong(2, delta.userId());
                    Rows.setInstant(s, 3, delta.hour());
                    s.setLong(4, delta.bytesIn());
                    s.setLong(5, delta.bytesOut());
                    s.setLong(6, delta.connections());
                    s.addBatch();
                }
                s.executeBatch();
            }
            return true;
        });
    }

    /** Hours in {@code [from, to)}, oldest first. */
    public CompletableFuture<List<TrafficHour>> hourly(long tunnelId, Instant from, Instant to) {
        return jdbc.query(c -> {
            List<TrafficHour> hours = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT tunnel_id, user_id, hour, bytes_in, bytes_out,"
                    + " connections FROM traffic_hourly WHERE tunnel_id = ? AND hour >= ? AND hour < ? ORDER BY hour")) {
                s.setLong(1, tunnelId);
                Rows.setInstant(s, 2, from);
                Rows.setInstant(s, 3, to);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        hours.add(new TrafficHour(rs.getLong("tunnel_id"), rs.getLong("user_id"),
                                Rows.instant(rs, "hour"), rs.getLong("bytes_in"), rs.getLong("bytes_out"),
                                rs.getLong("connections")));
                    }
                }
            }
            return hours;
        });
    }
}
