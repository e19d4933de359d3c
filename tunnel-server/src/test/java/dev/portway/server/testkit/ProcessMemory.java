package dev.portway.server.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The memory of a server running in its own JVM ({@link Processes}), as an operator would watch it: resident set
 * size from {@code /proc/<pid>/status} (Linux), and direct memory from its {@code /metrics} (Netty's allocators, which
 * hold every buffer the server reads into or writes from, and the JVM's own count of direct buffers). The heap the
 * JVM committed is sampled too: RSS follows it as the collector touches new regions for garbage.
 */
public final class ProcessMemory {
    private static final String NETTY_DIRECT = "portway_netty_allocator_used_direct_memory_bytes{";
    private static final String HEAP_COMMITTED = "jvm_memory_committed_bytes{area=\"heap\"";
    private static final String JVM_DIRECT = "jvm_buffer_memory_used_bytes{id=\"direct\"}";

    private final Path status;
    private final InetSocketAddress admin;

    /**
     * @param rss       VmRSS
     * @param peakRss   VmHWM: the highest RSS since the process started
     * @param direct    held by Netty's allocators
     * @param jvmDirect the JVM's direct buffer pool
     * @param heap      heap committed
     */
    public record Sample(long rss, long peakRss, long direct, long jvmDirect, long heap) {
        @Override
        public String toString() {
            return String.format("rss=%.1f MiB peakRss=%.1f MiB nettyDirect=%.1f MiB jvmDirect=%.1f MiB "
                    + "heapCommitted=%.1f MiB", mib(rss), mib(peakRss), mib(direct), mib(jvmDirect), mib(heap));
        }
    }

    public ProcessMemory(long pid, InetSocketAddress admin) {
        this.status = Path.of("/proc", Long.toString(pid), "status");
        this.admin = admin;
    }

    public Sample sample() throws IOException, InterruptedException {
        Scrape scrape = Scrape.of(admin);
        Double jvmDirect = scrape.value(JVM_DIRECT);
        String text = Files.readString(status);
        return new Sample(kib(text, "VmRSS:") * 1024, kib(text, "VmHWM:") * 1024, (long) scrape.sum(NETTY_DIRECT),
                jvmDirect == null ? 0 : jvmDirect.longValue(), (long) scrape.sum(HEAP_COMMITTED));
    }

    /** Samples every 100 ms on its own thread until closed, keeping the highest direct memory seen. */
    public PeakSampler watchDirect() throws Exception {
        return new PeakSampler(Duration.ofMillis(100), () -> sample().direct());
    }

    private static long kib(String status, String field) {
        for (String line : status.split("\n")) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
            }
        }
        throw new IllegalStateException(field + " not in /proc status");
    }

    public static double mib(long bytes) {
        return bytes / 1048576.0;
    }
}
