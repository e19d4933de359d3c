package dev.portway.server.endings;

import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.portway.server.testkit.TunnelFixture.port;
import static dev.portway.server.testkit.TunnelFixture.tcp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * About 45 seconds of concurrent transfers through one tcp tunnel, 48 at a time, each with a random ending of the table
 * (every normal ending, a reset from either side) and a random size: every byte of every normal transfer arrives, in
 * order, and every reset reaches the other side as a reset. Bounded in count (600) and time (45 s of new transfers).
 */
@Timeout(180)
class EndingsSoakIT {
    private static final int CONCURRENT = 48;
    private static final int MAX_TRANSFERS = 600;
    private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(45);

    private TunnelFixture fixture;
    private ScriptedService service;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        service = new ScriptedService(true);
        fixture.startServer();
    }

    @AfterEach
    void tearDown() throws Exception {
        service.close();
        fixture.close();
    }

    @Test
    void hundredsOfConcurrentTransfersWithRandomEndingsLoseNoByte() throws Exception {
        int publicPort = port(fixture.connect("soak", new RecordingEvents(), tcp("soak", service.port(), 0)).get(0));
        long deadline = System.nanoTime() + RUN_NANOS;
        AtomicInteger started = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
        List<Future<String>> transfers = new ArrayList<>();
        try {
            for (int worker = 0; worker < CONCURRENT; worker++) {
                long seed = worker;
                transfers.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    int done = 0;
                    while (System.nanoTime() < deadline) {
                        int tag = started.incrementAndGet();
                        if (tag > MAX_TRANSFERS) {
                            break;
                        }
                        transfer(publicPort, tag, random);
                        done++;
                    }
                    return "worker " + seed + ": " + done;
                }));
            }
            for (Future<String> transfer : transfers) {
                transfer.get(150, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(started.get()).as("transfers run").isGreaterThan(100);
    }

    /** One connection with a random ending and size, checked against the table. */
    private void transfer(int publicPort, long tag, Random random) throws Exception {
        long size = switch (random.nextInt(4)) {
            case 0 -> random.nextInt(2);
            case 1 -> random.nextInt(70_000);
            case 2 -> random.nextInt(1024 * 1024);
            default -> 2L * 1024 * 1024 + random.nextInt(2 * 1024 * 1024);
        };
        Peer publicPeer = Peer.connectTagged(publicPort, tag);
        Peer local = service.tagged(tag);
        int ending = random.nextInt(Scenario.values().length + Cut.values().length);
        try {
            if (ending < Scenario.values().length) {
                Scenario.values()[ending].exchange(publicPeer, local, size, tag).assertComplete();
            } else {
                Cut.values()[ending - Scenario.values().length].run(publicPeer, local, Math.max(size, 1024 * 1024), tag);
            }
        } finally {
            publicPeer.close();
            local.close();
        }
    }
}
