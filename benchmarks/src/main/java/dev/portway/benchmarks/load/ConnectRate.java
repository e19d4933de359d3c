package dev.portway.benchmarks.load;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Case 4: {@code workers} threads, each in a loop for {@code seconds}: connect, send one byte, read the one byte
 * echoed, close. Reports completed cycles per second, failures, and the p50/p99 of one cycle.
 */
final class ConnectRate {
    private ConnectRate() {
    }

    static String run(InetSocketAddress target, int workers, long durationNanos) throws InterruptedException {
        AtomicLong failures = new AtomicLong();
        List<long[]> samples = new ArrayList<>();
        int[] counts = new int[workers];
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + durationNanos;
        for (int w = 0; w < workers; w++) {
            long[] mine = new long[2_000_000];
            samples.add(mine);
            int index = w;
            Thread t = new Thread(() -> {
                int n = 0;
                while (System.nanoTime() < end && n < mine.length) {
                    long t0 = System.nanoTime();
                    try (Socket s = new Socket()) {
                        s.setTcpNoDelay(true);
                        s.setSoTimeout(5000);
                        s.connect(target, 5000);
                        OutputStream out = s.getOutputStream();
                        InputStream in = s.getInputStream();
                        out.write(42);
                        out.flush();
                        if (in.read() != 42) {
                            failures.incrementAndGet();
                            continue;
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        continue;
                    }
                    mine[n++] = System.nanoTime() - t0;
                }
                counts[index] = n;
            }, "connect-" + w);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(durationNanos / 1_000_000 + 15_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int k = 0;
        for (int w = 0; w < workers; w++) {
            System.arraycopy(samples.get(w), 0, all, k, counts[w]);
            k += counts[w];
        }
        Arrays.sort(all);
        return String.format("cycles=%d failures=%d seconds=%.1f per_s=%.0f p50_ms=%.3f p99_ms=%.3f", total,
                failures.get(), seconds, total / seconds, Percentiles.ms(all, 0.50), Percentiles.ms(all, 0.99));
    }
}
