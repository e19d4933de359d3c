package dev.portway.server.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for a test to bind later, after it has handed them to another process (Pebble, a second server). A port
 * taken by {@code bind(0)} and let go is in the kernel's ephemeral range, where any outgoing connection made before
 * the later bind may take it as its local port; these come from below that range, where only listeners go, and are
 * never handed out twice in one run.
 */
public final class FreePorts {
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int SPAN = 8_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final int EPHEMERAL_START = ephemeralStart();
    private static final int FIRST = Math.max(1025, EPHEMERAL_START - SPAN);

    private FreePorts() {
    }

    public static int next() throws IOException {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, EPHEMERAL_START);
            if (HANDED_OUT.add(port) && bindable(port)) {
                return port;
            }
        }
        throw new IOException("no free port in " + FIRST + "-" + (EPHEMERAL_START - 1));
    }

    /** {@code count} consecutive ports, the first returned: for a listener that binds a range (HAProxy's). */
    public static int range(int count) throws IOException {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(FIRST, EPHEMERAL_START - count);
            if (claimRange(first, count)) {
                return first;
            }
        }
        throw new IOException("no " + count + " free consecutive ports in " + FIRST + "-" + (EPHEMERAL_START - 1));
    }

    private static synchronized boolean claimRange(int first, int count) {
        for (int port = first; port < first + count; port++) {
            if (HANDED_OUT.contains(port) || !bindable(port)) {
                return false;
            }
        }
        for (int port = first; port < first + count; port++) {
            HANDED_OUT.add(port);
        }
        return true;
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static int ephemeralStart() {
        try {
            // Read by lines: this file may report a size smaller than its text, which readString trusts.
            return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException unknown) {
            return 32_768;
        }
    }
}
