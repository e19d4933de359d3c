package dev.portway.server.tcp;

import dev.portway.protocol.config.PortRanges;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * Which public ports tunnels hold. A port is reserved here before it is bound, so two clients racing for one
 * port get a clear "already used by another tunnel" rather than an operating-system bind error. Thread-safe.
 */
public final class PortAllocator {
    /** The ranges and every port in them, swapped together on a reload. */
    private record Allowed(PortRanges ranges, int[] candidates) {
        static Allowed of(PortRanges ranges) {
            return new Allowed(ranges, ranges.ranges().stream()
                    .flatMapToInt(range -> IntStream.rangeClosed(range.from(), range.to()))
                    .toArray());
        }
    }

    private volatile Allowed allowed;
    private final Set<Integer> reserved = ConcurrentHashMap.newKeySet();
    private volatile Set<Integer> withheld = Set.of();

    public PortAllocator(PortRanges allowed) {
        this.allowed = Allowed.of(allowed);
    }

    /**
     * Hands out ports of {@code ranges} from now on (a reload of {@code allowPorts}). Tunnels already on a port outside
     * them keep it until they close.
     */
    public void allow(PortRanges ranges) {
        allowed = Allowed.of(ranges);
    }

    /** Reserves {@code port}; returns null on success, or the reason it cannot be had. */
    public String reserve(int port) {
        PortRanges allowed = this.allowed.ranges();
        if (!allowed.contains(port)) {
            return "port " + port + " is not allowed on this server (allowPorts: " + allowed + ")";
        }
        if (!reserved.add(port)) {
            return "port " + port + " is already used by another tunnel";
        }
        return null;
    }

    /** Reserves some free allowed port, starting at a random place; -1 when every allowed port is taken. */
    public int reserveAny() {
        int[] candidates = allowed.candidates();
        if (candidates.length == 0) {
            return -1;
        }
        int start = ThreadLocalRandom.current().nextInt(candidates.length);
        for (int i = 0; i < candidates.length; i++) {
            int port = candidates[(start + i) % candidates.length];
            if (!withheld.contains(port) && reserved.add(port)) {
                return port;
            }
        }
        return -1;
    }

    /**
     * Ports reserved to users (stored claims): never handed out at random. Their owners still ask for them by number,
     * and {@link #reserve} leaves the owner check to the caller.
     */
    public void withhold(Set<Integer> ports) {
        withheld = Set.copyOf(ports);
    }

    public void release(int port) {
        reserved.remove(port);
    }
}
