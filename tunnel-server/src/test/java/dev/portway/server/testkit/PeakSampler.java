package dev.portway.server.testkit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a figure (memory in use, say) on its own thread at a fixed period until closed, keeping the highest value
 * seen: a peak that a reading before and after would miss.
 */
public final class PeakSampler implements AutoCloseable {
    /** One reading of the figure. */
    public interface Figure {
        long read() throws Exception;
    }

    private final AtomicLong peak;
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile Exception failure;

    /** Takes the first reading before it returns, so that {@link #peak} is never without one. */
    public PeakSampler(Duration period, Figure figure) throws Exception {
        peak = new AtomicLong(figure.read());
        sampler = new Thread(() -> {
            while (running) {
                try {
                    peak.accumulateAndGet(figure.read(), Math::max);
                    Thread.sleep(period.toMillis());
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    failure = e;
                    return;
                }
            }
        }, "peak-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** The highest reading so far; fails if a reading failed, as the peak may then be missing. */
    public long peak() {
        if (failure != null) {
            throw new AssertionError("reading the figure failed", failure);
        }
        return peak.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.join();
    }
}
