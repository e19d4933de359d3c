package dev.portway.storage.usage;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Where usage periods start: on the first of each calendar month in a time zone, or on the day of the month the user
 * got its plan (the subscription day; in a shorter month, its last day).
 */
public record UsagePeriods(Kind kind, ZoneId zone) {
    public enum Kind {
        CALENDAR("calendar"),
        SUBSCRIPTION("subscription");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public static final UsagePeriods CALENDAR_UTC = new UsagePeriods(Kind.CALENDAR, ZoneId.of("UTC"));

    public UsagePeriods {
        if (kind == null || zone == null) {
            throw new IllegalArgumentException("kind and zone are required");
        }
    }

    /** The period {@code now} falls in, for a user who got its plan at {@code planSince}. */
    public UsagePeriod at(Instant now, Instant planSince) {
        LocalDate today = now.atZone(zone).toLocalDate();
        int anchorDay = kind == Kind.CALENDAR || planSince == null ? 1 : planSince.atZone(zone).getDayOfMonth();
        LocalDate start = startIn(today.withDayOfMonth(1), anchorDay);
        if (start.isAfter(today)) {
            start = startIn(today.withDayOfMonth(1).minusMonths(1), anchorDay);
        }
        LocalDate end = startIn(start.withDayOfMonth(1).plusMonths(1), anchorDay);
        return new UsagePeriod(midnight(start), midnight(end));
    }

    private static LocalDate startIn(LocalDate firstOfMonth, int anchorDay) {
        return firstOfMonth.withDayOfMonth(Math.min(anchorDay, firstOfMonth.lengthOfMonth()));
    }

    private Instant midnight(LocalDate day) {
        return ZonedDateTime.of(day.atStartOfDay(), zone).toInstant();
    }

    /** The day a period starts, as people in the configured zone see it: {@code 2027-01-01}. */
    public LocalDate localDay(Instant instant) {
        return instant.atZone(zone).toLocalDate();
    }
}
