package dev.portway.protocol.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A set of TCP/UDP ports written as ranges and single ports, {@code 2000-3000,5353}. Overlapping and adjacent
 * ranges are merged, so {@link #toString()} is canonical and two equal sets compare equal.
 */
public final class PortRanges {

    /** An inclusive range of ports. */
    public record Range(int from, int to) {
        public Range {
            if (from < 1 || to > 65535 || from > to) {
                throw new IllegalArgumentException("invalid port range " + from + "-" + to);
            }
        }

        public boolean contains(int port) {
            return port >= from && port <= to;
        }

        public int size() {
            return to - from + 1;
        }

        @Override
        public String toString() {
            return from == to ? Integer.toString(from) : from + "-" + to;
        }
    }

    private final List<Range> ranges;

    private PortRanges(List<Range> ranges) {
        this.ranges = ranges;
    }

    public static PortRanges of(int from, int to) {
        return new PortRanges(List.of(new Range(from, to)));
    }

    /** Parses a comma-separated list of {@code port} and {@code from-to} items; spaces are ignored. */
    public static PortRanges parse(String text) {
        Objects.requireNonNull(text, "text");
        List<Range> parsed = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            String s = item.strip();
            if (s.isEmpty()) {
                throw new IllegalArgumentException("empty item in \"" + text + "\"");
            }
            int dash = s.indexOf('-');
            try {
                if (dash < 0) {
                    int port = port(s);
                    parsed.add(new Range(port, port));
                } else {
                    parsed.add(new Range(port(s.substring(0, dash).strip()), port(s.substring(dash + 1).strip())));
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid port or range \"" + s + "\" (ports are 1-65535)", e);
            }
        }
        return new PortRanges(merge(parsed));
    }

    private static int port(String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not a port: " + s);
        }
        return Integer.parseInt(s);
    }

    private static List<Range> merge(List<Range> input) {
        List<Range> sorted = new ArrayList<>(input);
        sorted.sort(Comparator.comparingInt(Range::from));
        List<Range> merged = new ArrayList<>();
        for (Range r : sorted) {
            if (!merged.isEmpty() && merged.get(merged.size() - 1).to() + 1 >= r.from()) {
                Range last = merged.remove(merged.size() - 1);
                merged.add(new Range(last.from(), Math.max(last.to(), r.to())));
            } else {
                merged.add(r);
            }
        }
        return List.copyOf(merged);
    }

    public boolean contains(int port) {
        for (Range r : ranges) {
            if (r.contains(port)) {
                return true;
            }
        }
        return false;
    }

    /** The merged ranges in ascending order. */
    public List<Range> ranges() {
        return ranges;
    }

    /** How many ports the set holds. */
    public int size() {
        return ranges.stream().mapToInt(Range::size).sum();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PortRanges other && ranges.equals(other.ranges);
    }

    @Override
    public int hashCode() {
        return ranges.hashCode();
    }

    @Override
    public String toString() {
        return ranges.stream().map(Range::toString).collect(Collectors.joining(","));
    }
}
