package dev.portway.protocol.mux;

import dev.portway.protocol.control.ControlMessage;
import dev.portway.protocol.control.OpenStream;
import dev.portway.testkit.HashingSink;
import dev.portway.testkit.MuxLoopback;
import dev.portway.testkit.PatternSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many streams over one real TCP connection: every byte arrives intact in both directions, and one stalled reader
 * neither slows the others down nor holds more than its window.
 */
class ManyStreamsIT {
    private static final int STREAMS = 64;
    /** Per stream and direction; {@code -Dportway.it.streamBytes} overrides it for a quicker or longer run. */
    private static final long BYTES = Long.getLong("portway.it.streamBytes", 16L << 20);
    /** At the trickle rate this would take 40 s: far longer than the others, however loaded the machine. */
    private static final long SLOW_BYTES = 16L << 20;
    private static final int MAX_CHUNK = 64 * 1024;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sixtyFourStreamsMoveEveryByteBothWaysWhileOneReaderIsSlow() throws Exception {
        SessionSettings settings = SessionSettings.defaults("it");
        Map<Integer, HashingSink> serverSinks = new ConcurrentHashMap<>();
        Map<Integer, PatternSource> serverSources = new ConcurrentHashMap<>();
        // 4 KiB per 10 ms: about 400 KB/s, far below what the other streams get.
        SlowSink slow = new SlowSink(4096);
        SessionListener serverListener = new SessionListener() {
            @Override
            public void onControl(TunnelSession session, ControlMessage message) {
            }

            @Override
            public StreamHandler onStreamOpened(TunnelSession session, TunnelStream stream) {
                if (stream.open().tunnel().equals("slow")) {
                    stream.finish();
                    return slow.attach(stream, 10);
                }
                HashingSink sink = new HashingSink();
                serverSinks.put(stream.id(), sink);
                serverSources.put(stream.id(), new PatternSource(stream, -stream.id(), BYTES, MAX_CHUNK).start());
                return sink;
            }
        };
        SessionListener clientListener = new SessionListener() {
            @Override
            public void onControl(TunnelSession session, ControlMessage message) {
            }

            @Override
            public StreamHandler onStreamOpened(TunnelSession session, TunnelStream stream) {
                return null;
            }
        };

        try (MuxLoopback loopback = MuxLoopback.listen(settings, serverListener)) {
            TunnelSession client = loopback.connect(loopback.address(), settings, clientListener);
            TunnelStream slowStream = client.openStream(new OpenStream("slow", "slow-peer"), new HashingSink()).get();
            PatternSource slowSource = new PatternSource(slowStream, 4242, SLOW_BYTES, MAX_CHUNK).start();

            long started = System.nanoTime();
            List<TunnelStream> streams = new ArrayList<>();
            List<PatternSource> clientSources = new ArrayList<>();
            List<HashingSink> clientSinks = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                HashingSink sink = new HashingSink();
                TunnelStream stream = client.openStream(new OpenStream("bulk", "peer-" + i), sink).get();
                streams.add(stream);
                clientSinks.add(sink);
                clientSources.add(new PatternSource(stream, stream.id(), BYTES, MAX_CHUNK).start());
            }

            for (int i = 0; i < STREAMS; i++) {
                int id = streams.get(i).id();
                // Sending 16 MiB needs the server's credit, so once it is sent the server has the stream.
                byte[] up = clientSources.get(i).sent().get(100, TimeUnit.SECONDS);
                assertThat(serverSinks.get(id).received().get(100, TimeUnit.SECONDS))
                        .as("stream %d, client to server", id).isEqualTo(up);
                assertThat(clientSinks.get(i).received().get(100, TimeUnit.SECONDS))
                        .as("stream %d, server to client", id).isEqualTo(serverSources.get(id).sent().get());
            }
            for (TunnelStream stream : streams) {
                stream.closeFuture().get(10, TimeUnit.SECONDS);
            }
            long fastMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.printf("ManyStreamsIT: %d streams x %d MiB both ways in %d ms (%.1f MB/s total)%n",
                    STREAMS, BYTES >> 20, fastMillis, 2.0 * STREAMS * BYTES / 1e3 / fastMillis);

            assertThat(slow.received()).as("the slow reader is still going").isNotDone();
            int windowWhileSlow = slow.maxWindow;
            slow.fullSpeed();
            assertThat(slow.received().get(30, TimeUnit.SECONDS)).isEqualTo(slowSource.sent().get());
            assertThat(slow.windowViolations).isZero();
            assertThat(slow.maxBuffered).isPositive().isLessThanOrEqualTo(slow.maxWindow);
            assertThat(windowWhileSlow).as("a slow reader's window does not grow")
                    .isEqualTo(SessionSettings.DEFAULT_INITIAL_WINDOW);
        }
    }
}
