package dev.portway.monitor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Datagrams the kernel dropped on Portway's UDP sockets because a socket's receive buffer was full: they never reach
 * the process, so nothing Portway counts itself sees them. Linux lists every UDP socket in {@code /proc/net/udp} and
 * {@code /proc/net/udp6} with a {@code drops} column; a socket is found there by its local port, which each of
 * Portway's UDP sockets holds alone (a tunnel's public port, a flow's ephemeral port). Elsewhere the tables are
 * missing and the total stays 0.
 *
 * <p>{@link #total()} only grows: a socket's last reading is kept when it closes, so drops seen before stay counted;
 * drops between its last reading and its close are not seen.
 *
 * <p>Threading: all methods are synchronized; {@link #total()} reads two small procfs files, so it belongs to the
 * scrape, not to a datagram's path.
 */
public final class KernelUdpDrops {
    private static final List<Path> LINUX_TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

    private final List<Path> tables;
    /** Live sockets by local port: the drops last read for each. */
    private final Map<Integer, Long> lastRead = new HashMap<>();
    private long ofClosedSockets;

    public KernelUdpDrops() {
        this(LINUX_TABLES);
    }

    /** @param tables files in the format of {@code /proc/net/udp}; tests give their own */
    KernelUdpDrops(List<Path> tables) {
        this.tables = List.copyOf(tables);
    }

    public synchronized void opened(int localPort) {
        lastRead.putIfAbsent(localPort, 0L);
    }

    public synchronized void closed(int localPort) {
        Long last = lastRead.remove(localPort);
        if (last != null) {
            ofClosedSockets += last;
        }
    }

    /** The drops of every socket watched so far, read now for those still open. */
    public synchronized long total() {
        if (!lastRead.isEmpty()) {
            Map<Integer, Long> now = read();
            lastRead.replaceAll((port, last) -> Math.max(last, now.getOrDefault(port, last)));
        }
        return ofClosedSockets + lastRead.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Drops by local port, summed over both tables; empty when they cannot be read. */
    private Map<Integer, Long> read() {
        Map<Integer, Long> drops = new HashMap<>();
        for (Path table : tables) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table, StandardCharsets.US_ASCII);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                return Map.of();
            }
            for (int i = 1; i < lines.size(); i++) {
                parse(lines.get(i), drops);
            }
        }
        return drops;
    }

    /**
     * One socket's line: {@code sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout
     * inode ref pointer drops}, the local address as {@code HEXADDR:HEXPORT}.
     */
    static void parse(String line, Map<Integer, Long> drops) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 13) {
            return;
        }
        int colon = fields[1].lastIndexOf(':');
        try {
            int port = Integer.parseInt(fields[1].substring(colon + 1), 16);
            drops.merge(port, Long.parseLong(fields[fields.length - 1]), Long::sum);
        } catch (NumberFormatException e) {
            // Not a socket line (a kernel with another layout): nothing to learn from it.
        }
    }
}
