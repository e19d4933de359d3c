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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A peer that stops sending, over a real socket: mid-frame is a protocol error answered with GOAWAY. */
class CarrierEndOfInputIT {

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void endOfInputInsideAFrameIsAnsweredWithGoAway() throws Exception {
        List<Received> received = exchange(Wire.hello(), Arrays.copyOf(Wire.ping(1), 9));
        assertThat(received).extracting(Received::type).containsExactly(FrameType.CONTROL, FrameType.GOAWAY);
        GoAway goAway = received.get(1).goAway();
        assertThat(goAway.errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(goAway.reason()).contains("connection ended inside a frame");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void endOfInputBetweenFramesClosesTheCarrier() throws Exception {
        List<Received> received = exchange(Wire.hello(), Wire.ping(1));
        assertThat(received).extracting(Received::type).containsExactly(FrameType.CONTROL, FrameType.PONG);
    }

    /** Sends the frames, half-closes, and returns what the server wrote until it closed the connection. */
    private static List<Received> exchange(byte[]... frames) throws Exception {
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        SessionListener listener = new ClosingListener(closed);
        try (MuxLoopback loopback = MuxLoopback.listen(SessionSettings.defaults("it"), listener);
             Socket peer = new Socket(loopback.address().getAddress(), loopback.address().getPort())) {
            peer.setSoTimeout(10_000);
            peer.getOutputStream().write(Wire.concat(frames));
            peer.shutdownOutput();
            List<Received> received = new ArrayList<>();
            DataInputStream in = new DataInputStream(peer.getInputStream());
            try {
                while (true) {
                    byte[] header = new byte[Frame.HEADER_LENGTH];
                    in.readFully(header);
                    byte[] payload = new byte[Unpooled.wrappedBuffer(header).getInt(10)];
                    in.readFully(payload);
                    received.add(new Received(FrameType.of(header[4]), payload));
                }
            } catch (EOFException endOfStream) {
                // The server closed the connection.
            }
            closed.get(5, TimeUnit.SECONDS);
            return received;
        }
    }

    private record Received(FrameType type, byte[] payload) {
        GoAway goAway() {
            return JsonCodec.decode(Unpooled.wrappedBuffer(payload), GoAway.class);
        }
    }
}
