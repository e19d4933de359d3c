package dev.portway.protocol.mux;

import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.control.GoAway;
import dev.portway.protocol.control.JsonCodec;
import dev.portway.protocol.frame.Frame;
import dev.portway.protocol.frame.FrameType;
import dev.portway.testkit.MuxLoopback;
import dev.portway.testkit.Wire;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.EOFException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class KeepAliveIT {
    private static final SessionSettings FAST_KEEPALIVE =
            SessionSettings.defaults("it").withKeepAlive(Duration.ofMillis(50), 3);

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void silentPeerIsDeclaredDeadAndTheCarrierClosed() throws Exception {
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        try (MuxLoopback loopback = MuxLoopback.listen(FAST_KEEPALIVE, new ClosingListener(closed));
             Socket peer = new Socket(loopback.address().getAddress(), loopback.address().getPort())) {
            peer.setSoTimeout(10_000);
            long started = System.nanoTime();
            peer.getOutputStream().write(Wire.hello());

            // The peer says HELLO and then nothing: it never answers a PING.
            List<FrameType> seen = new ArrayList<>();
            GoAway goAway = null;
            DataInputStream in = new DataInputStream(peer.getInputStream());
            try {
                while (true) {
                    byte[] header = new byte[Frame.HEADER_LENGTH];
                    in.readFully(header);
                    byte[] payload = new byte[Unpooled.wrappedBuffer(header).getInt(10)];
                    in.readFully(payload);
                    FrameType type = FrameType.of(header[4]);
                    seen.add(type);
                    if (type == FrameType.GOAWAY) {
                        goAway = JsonCodec.decode(Unpooled.wrappedBuffer(payload), GoAway.class);
                    }
                }
            } catch (EOFException endOfStream) {
                // The server closed the connection: what it said before is what counts.
            }
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertThat(seen).first().isEqualTo(FrameType.CONTROL);
            assertThat(seen).contains(FrameType.PING).last().isEqualTo(FrameType.GOAWAY);
            assertThat(goAway.errorCode()).isEqualTo(ErrorCode.KEEPALIVE_TIMEOUT);
            assertThat(elapsedMillis).as("3 intervals of 50 ms, plus one tick").isBetween(150L, 5_000L);
            assertThat(closed.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(StreamResetException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.KEEPALIVE_TIMEOUT));
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void answeringPeerStaysConnectedAndTheRoundTripIsMeasured() throws Exception {
        CompletableFuture<Throwable> serverClosed = new CompletableFuture<>();
        CompletableFuture<Throwable> clientClosed = new CompletableFuture<>();
        try (MuxLoopback loopback = MuxLoopback.listen(FAST_KEEPALIVE, new ClosingListener(serverClosed))) {
            TunnelSession client = loopback.connect(loopback.address(), FAST_KEEPALIVE, new ClosingListener(clientClosed));
            TunnelSession server = loopback.serverSession();
            // Ten intervals with nothing but keep-alive traffic: more than three times the death limit.
            Thread.sleep(500);
            assertThat(serverClosed).isNotDone();
            assertThat(clientClosed).isNotDone();
            assertThat(client.rttNanos()).isPositive().isLessThan(TimeUnit.SECONDS.toNanos(1));
            assertThat(server.rttNanos()).isPositive().isLessThan(TimeUnit.SECONDS.toNanos(1));
        }
    }
}
