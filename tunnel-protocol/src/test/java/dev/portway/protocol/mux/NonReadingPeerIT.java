package dev.portway.protocol.mux;

import dev.portway.testkit.MuxLoopback;
import dev.portway.testkit.Wire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A peer that provokes answers (PONG for PING, RST for OPEN) and never reads them, over a real socket: the session
 * must close it once a bounded backlog waits, instead of buffering a byte for every byte the peer sends.
 */
class NonReadingPeerIT {
    private static final int BURST = 4096;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aPingFlooderThatNeverReadsIsClosed() throws Exception {
        byte[] pings = Wire.concat(repeat(Wire.ping(7), BURST));
        assertClosedWhileFlooding(pings);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anOpenFlooderThatNeverReadsIsClosed() throws Exception {
        // Every OPEN is refused with an RST (the listener takes no stream); ids must keep increasing.
        assertClosedWhileFlooding(null);
    }

    private static void assertClosedWhileFlooding(byte[] burst) throws Exception {
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        try (MuxLoopback loopback = MuxLoopback.listen(SessionSettings.defaults("it"), new ClosingListener(closed));
             Socket peer = new Socket(loopback.address().getAddress(), loopback.address().getPort())) {
            peer.setReceiveBufferSize(4096);
            OutputStream out = peer.getOutputStream();
            out.write(Wire.hello());
            long sent = 0;
            int nextId = 1;
            try {
                // 256 MiB is far beyond the bound; the server must give up long before.
                while (sent < 256L * 1024 * 1024 && !closed.isDone()) {
                    byte[] chunk = burst;
                    if (chunk == null) {
                        byte[][] opens = new byte[BURST / 8][];
                        for (int i = 0; i < opens.length; i++, nextId += 2) {
                            opens[i] = Wire.open(nextId, "t");
                        }
                        chunk = Wire.concat(opens);
                    }
                    out.write(chunk);
                    sent += chunk.length;
                }
            } catch (IOException closedByServer) {
                // The server closed the connection while the peer was still writing: what the test waits for.
            }
            Throwable cause = closed.get(20, TimeUnit.SECONDS);
            assertThat(cause).hasMessageContaining("peer does not read");
        }
    }

    private static byte[][] repeat(byte[] frame, int times) {
        byte[][] frames = new byte[times][];
        java.util.Arrays.fill(frames, frame);
        return frames;
    }
}
