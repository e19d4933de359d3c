package dev.portway.storage.usage;

import dev.portway.storage.db.Jdbc;
import dev.portway.storage.db.Rows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Traffic counted against allowances, from {@code traffic_hourly} (every node's flushed counts), and the notices
 * given for it.
 */
public final class UsageRepository {
    private final Jdbc jdbc;

    public UsageRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stored bytes of a user, and whether one flush batch is among them.
     *
     * @param batchStored whether the batch asked about was applied when the bytes were summed (in the same snapshot)
     */
    public record Stored(long bytes, boolean batchStored) {
    }

    /**
     * Bytes in + out of all the user's tunnels (deleted ones too) in the hours from the one holding {@code from}; a
     * period that starts within an hour (a time zone half an hour off UTC) counts that whole hour.
     */
    public CompletableFuture<Long> bytesSince(long userId, Instant from) {
        return bytesSince(userId, from, null).thenApply(Stored::bytes);
    }

    /** As {@link #bytesSince(long, Instant)}, and whether the flush batch {@code batch} (may be null) was applied. */
    public CompletableFuture<Stored> bytesSince(long userId, Instant from, UUID batch) {
        // Truncated here, in UTC like the counter's hours: date_trunc in SQL would use the session's time zone (the
        // JVM's), which in a zone half an hour off UTC skips the hour the period starts in.
        Instant firstHour = from.truncatedTo(ChronoUnit.HOURS);
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT coalesce(sum(bytes_in + bytes_out), 0),"
                    + " EXISTS (SELECT 1 FROM traffic_flushes WHERE id = ?)"
                    + " FROM traffic_hourly WHERE user_id = ? AND hour >= ?")) {
                s.setObject(1, batch, Types.OTHER);
                s.setLong(2, userId);
                Rows.setInstant(s, 3, firstHour);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return new Stored(rs.getLong(1), rs.getBoolean(2));
                }
            }
        });
    }

    /**
     * Records that {@code kind} was noticed for the user in the period starting at {@code periodStart}. Completes
     * with {@code true} for the first caller on any node, {@code false} for every later one.
     */
    public CompletableFuture<Boolean> firstNotice(long userId, Instant periodStart, String kind) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO quota_notices (user_id, period_start, kind)"
                    + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                s.setLong(1, userId);
                Rows.setInstant(s, 2, periodStart);
                s.setString(3, kind);
                return s.executeUpdate() == 1;
            }
        });
    }
}
