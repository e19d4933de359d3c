package dev.portway.protocol.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The duration notation of the configuration files: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or plain seconds. */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");
    // Far beyond any timeout a tunnel needs; keeps the BigDecimal arithmetic clear of Duration's limits.
    private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(365L * 24 * 3600);

    private Durations() {
    }

    /** Parses a non-negative duration; a number without a unit is seconds. */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text");
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: \"" + text + "\"");
        }
        BigDecimal amount = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        BigDecimal seconds = switch (unit) {
            case "ms" -> amount.movePointLeft(3);
            case "s" -> amount;
            case "m" -> amount.multiply(BigDecimal.valueOf(60));
            case "h" -> amount.multiply(BigDecimal.valueOf(3600));
            default -> throw new IllegalStateException(unit);
        };
        if (seconds.compareTo(MAX_SECONDS) > 0) {
            throw new IllegalArgumentException("duration too long: \"" + text + "\"");
        }
        return Duration.ofNanos(seconds.movePointRight(9).longValue());
    }

    /** The shortest exact notation that {@link #parse} reads back, such as {@code 10s} or {@code 1500ms}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toNanos() % 1_000_000 != 0) {
            return BigDecimal.valueOf(d.toNanos()).movePointLeft(6).stripTrailingZeros().toPlainString() + "ms";
        }
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
