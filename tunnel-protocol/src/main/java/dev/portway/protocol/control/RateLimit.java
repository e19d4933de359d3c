package dev.portway.protocol.control;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many requests one public client address may make to a tunnel: {@code requests} per {@code seconds}, refilled
 * smoothly, with a burst of {@code requests}. Written {@code 100/s}, {@code 600/m} or {@code 10000/h} in client.yaml.
 */
public record RateLimit(long requests, long seconds) {
    public static final long MAX_REQUESTS = 1_000_000;
    private static final Pattern TEXT = Pattern.compile("(\\d{1,7})\\s*/\\s*(s|m|h)", Pattern.CASE_INSENSITIVE);

    /** @throws IllegalArgumentException saying what was expected */
    public static RateLimit parse(String text) {
        Matcher m = text == null ? null : TEXT.matcher(text.strip());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("expected requests per second, minute or hour such as 100/s or 600/m");
        }
        long seconds = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "s" -> 1;
            case "m" -> 60;
            default -> 3600;
        };
        RateLimit limit = new RateLimit(Long.parseLong(m.group(1)), seconds);
        String problem = limit.problem();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return limit;
    }

    /** What is wrong with a limit a peer sent, or null. */
    public String problem() {
        if (requests < 1 || requests > MAX_REQUESTS) {
            return "rateLimit requests must be 1 to " + MAX_REQUESTS + ", got " + requests;
        }
        if (seconds != 1 && seconds != 60 && seconds != 3600) {
            return "rateLimit period must be a second, a minute or an hour, got " + seconds + " s";
        }
        return null;
    }

    public Duration period() {
        return Duration.ofSeconds(seconds);
    }
}
