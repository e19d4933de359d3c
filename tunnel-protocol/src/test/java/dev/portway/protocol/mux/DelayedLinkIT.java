package dev.portway.protocol.mux;

import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.control.ControlMessage;
import dev.portway.protocol.control.OpenStream;
import dev.portway.testkit.DelayingRelay;
import dev.portway.testkit.HashingSink;
import dev.portway.testkit.MuxLoopback;
import dev.portway.testkit.PatternSource;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One stream over a link with 100 ms round-trip time. A fixed 256 KiB window allows at most 256 KiB per round
 * trip, about 2.6 MB/s; the growing window must do clearly better.
 */
class DelayedLinkIT {
    private static final Duration ONE_WAY = Duration.ofMillis(50);
    private static final long BYTES = 32L << 20;
    private static final double FIXED_WINDOW_RATE = SessionSettings.DEFAULT_INITIAL_WINDOW / (2 * ONE_WAY.toNanos() / 1e9);

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void windowGrowsPastWhatAFixedWindowAllowsOnALongLink() throws Exception {
        AtomicInteger maxWindow = new AtomicInteger();
        CompletableFuture<HashingSink> serverSink = new CompletableFuture<>();
        SessionListener serverListener = new SessionListener() {
            @Override
            public void onControl(TunnelSession session, ControlMessage message) {
            }

            @Override
            public StreamHandler onStreamOpened(TunnelSession session, TunnelStream stream) {
                HashingSink sink = new HashingSink();
                serverSink.complete(sink);
                stream.finish();
                return new WindowSampler(sink, maxWindow);
            }
        };
        SessionSettings settings = SessionSettings.defaults("it");
        try (MuxLoopback loopback = MuxLoopback.listen(settings, serverListener);
             DelayingRelay link = DelayingRelay.start(loopback.address(), ONE_WAY)) {
            TunnelSession client = loopback.connect(link.address(), settings, new RefusingListener());
            TunnelStream stream = client.openStream(new OpenStream("bulk", null), new HashingSink()).get();

            long started = System.nanoTime();
            PatternSource source = new PatternSource(stream, 77, BYTES, 64 * 1024).start();
            byte[] received = serverSink.get(10, TimeUnit.SECONDS).received().get(50, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - started) / 1e9;

            assertThat(received).isEqualTo(source.sent().get());
            double rate = BYTES / seconds;
            System.out.printf("DelayedLinkIT: %d MiB over a 100 ms RTT link in %.2f s: %.1f MB/s "
                            + "(fixed 256 KiB window: %.1f MB/s), receive window grew to %d KiB%n",
                    BYTES >> 20, seconds, rate / 1e6, FIXED_WINDOW_RATE / 1e6, maxWindow.get() / 1024);
            assertThat(maxWindow.get()).isGreaterThan(SessionSettings.DEFAULT_INITIAL_WINDOW);
            assertThat(rate).isGreaterThan(2 * FIXED_WINDOW_RATE);
        }
    }

    /** Records the largest receive window the session reported while data arrived (on the event loop). */
    private record WindowSampler(HashingSink sink, AtomicInteger maxWindow) implements StreamHandler {
        @Override
        public void onData(TunnelStream stream, ByteBuf data) {
            maxWindow.accumulateAndGet(stream.session().receiveWindow(stream.id()), Math::max);
            sink.onData(stream, data);
        }

        @Override
        public void onFinish(TunnelStream stream) {
            sink.onFinish(stream);
        }

        @Override
        public void onReset(TunnelStream stream, ErrorCode code, String reason) {
            sink.onReset(stream, code, reason);
        }
    }

    private static final class RefusingListener implements SessionListener {
        @Override
        public void onControl(TunnelSession session, ControlMessage message) {
        }

        @Override
        public StreamHandler onStreamOpened(TunnelSession session, TunnelStream stream) {
            return null;
        }
    }
}
