package dev.portway.storage.usage;

import dev.portway.storage.usage.UsagePeriods.Kind;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/** Where periods start and end: calendar months in a zone, and months from the subscription day. */
class UsagePeriodsTest {
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final UsagePeriods BERLIN_MONTHS = new UsagePeriods(Kind.CALENDAR, ZoneId.of("Europe/Berlin"));
    private static final UsagePeriods SUBSCRIPTION_UTC = new UsagePeriods(Kind.SUBSCRIPTION, UTC);
    /** The 31st: every shorter month starts its period on its last day. */
    private static final Instant ON_THE_31ST = Instant.parse("2027-01-31T10:00:00Z");

    private static Instant at(String text) {
        return Instant.parse(text);
    }

    private static UsagePeriod period(String start, String end) {
        return new UsagePeriod(at(start), at(end));
    }

    @Test
    void aCalendarMonthRunsFromMidnightOfTheFirstInTheZone() {
        // 00:30 on 1 February in Berlin, still January in UTC
        assertThat(BERLIN_MONTHS.at(at("2027-01-31T23:30:00Z"), ON_THE_31ST))
                .isEqualTo(period("2027-01-31T23:00:00Z", "2027-02-28T23:00:00Z"));
        assertThat(BERLIN_MONTHS.at(at("2027-01-31T22:59:59Z"), ON_THE_31ST))
                .isEqualTo(period("2026-12-31T23:00:00Z", "2027-01-31T23:00:00Z"));
        // summer time begins on 28 March 2027: April's period starts an hour earlier in UTC
        assertThat(BERLIN_MONTHS.at(at("2027-03-15T12:00:00Z"), null))
                .isEqualTo(period("2027-02-28T23:00:00Z", "2027-03-31T22:00:00Z"));
        assertThat(UsagePeriods.CALENDAR_UTC.at(at("2026-12-31T12:00:00Z"), ON_THE_31ST))
                .isEqualTo(period("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"));
    }

    @Test
    void aPeriodStartsExactlyAtItsBoundary() {
        assertThat(UsagePeriods.CALENDAR_UTC.at(at("2027-02-01T00:00:00Z"), null).start())
                .isEqualTo(at("2027-02-01T00:00:00Z"));
        assertThat(UsagePeriods.CALENDAR_UTC.at(at("2027-01-31T23:59:59.999999999Z"), null).end())
                .isEqualTo(at("2027-02-01T00:00:00Z"));
        Instant since = at("2027-01-15T08:00:00Z");
        assertThat(SUBSCRIPTION_UTC.at(at("2027-03-15T00:00:00Z"), since))
                .isEqualTo(period("2027-03-15T00:00:00Z", "2027-04-15T00:00:00Z"));
        assertThat(SUBSCRIPTION_UTC.at(at("2027-03-14T23:59:59.999999999Z"), since))
                .isEqualTo(period("2027-02-15T00:00:00Z", "2027-03-15T00:00:00Z"));
    }

    @Test
    void aSubscriptionOnThe31stStartsOnTheLastDayOfShorterMonths() {
        assertThat(SUBSCRIPTION_UTC.at(at("2027-04-15T12:00:00Z"), ON_THE_31ST))
                .as("April has 30 days").isEqualTo(period("2027-03-31T00:00:00Z", "2027-04-30T00:00:00Z"));
        assertThat(SUBSCRIPTION_UTC.at(at("2027-04-30T00:00:00Z"), ON_THE_31ST))
                .isEqualTo(period("2027-04-30T00:00:00Z", "2027-05-31T00:00:00Z"));
        assertThat(SUBSCRIPTION_UTC.at(at("2027-02-10T12:00:00Z"), ON_THE_31ST))
                .isEqualTo(period("2027-01-31T00:00:00Z", "2027-02-28T00:00:00Z"));
        assertThat(SUBSCRIPTION_UTC.at(at("2027-02-28T06:00:00Z"), ON_THE_31ST))
                .isEqualTo(period("2027-02-28T00:00:00Z", "2027-03-31T00:00:00Z"));
        assertThat(SUBSCRIPTION_UTC.at(at("2028-02-28T23:59:00Z"), ON_THE_31ST))
                .as("a leap year").isEqualTo(period("2028-01-31T00:00:00Z", "2028-02-29T00:00:00Z"));
        assertThat(SUBSCRIPTION_UTC.at(at("2028-02-29T05:00:00Z"), ON_THE_31ST))
                .isEqualTo(period("2028-02-29T00:00:00Z", "2028-03-31T00:00:00Z"));
    }

    @Test
    void theSubscriptionDayIsTheDayInTheZone() {
        // 23:30 UTC on the 14th is the 15th in Tokyo
        UsagePeriods tokyo = new UsagePeriods(Kind.SUBSCRIPTION, ZoneId.of("Asia/Tokyo"));
        assertThat(tokyo.at(at("2027-03-20T00:00:00Z"), at("2027-01-14T23:30:00Z")))
                .isEqualTo(period("2027-03-14T15:00:00Z", "2027-04-14T15:00:00Z"));
        assertThat(tokyo.localDay(at("2027-04-14T15:00:00Z")).toString()).isEqualTo("2027-04-15");
    }

    @Test
    void withoutAPlanDateASubscriptionRunsFromTheFirst() {
        assertThat(SUBSCRIPTION_UTC.at(at("2027-03-20T00:00:00Z"), null))
                .isEqualTo(period("2027-03-01T00:00:00Z", "2027-04-01T00:00:00Z"));
    }
}
