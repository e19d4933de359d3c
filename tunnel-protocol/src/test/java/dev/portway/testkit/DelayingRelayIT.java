package dev.portway.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class DelayingRelayIT {

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void addsTheDelayEachWayAndKeepsTheBytesInOrder() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> echoed = CompletableFuture.runAsync(() -> echoOnce(echo));
            InetSocketAddress target = new InetSocketAddress(echo.getInetAddress(), echo.getLocalPort());
            try (DelayingRelay relay = DelayingRelay.start(target, Duration.ofMillis(50));
                 Socket client = new Socket(relay.address().getAddress(), relay.address().getPort())) {
                client.setSoTimeout(10_000);
                OutputStream out = client.getOutputStream();
                DataInputStream in = new DataInputStream(client.getInputStream());

                long started = System.nanoTime();
                out.write(1);
                assertThat(in.read()).isEqualTo(1);
                long roundTripMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertThat(roundTripMillis).isBetween(100L, 1_000L);

                byte[] sent = new byte[1 << 20];
                new Random(5).nextBytes(sent);
                CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> writeInPieces(out, sent));
                byte[] back = new byte[sent.length];
                in.readFully(back);
                writing.get(10, TimeUnit.SECONDS);
                assertThat(back).isEqualTo(sent);
            }
            echoed.get(10, TimeUnit.SECONDS);
        }
    }

    private static void echoOnce(ServerSocket server) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void writeInPieces(OutputStream out, byte[] bytes) {
        try {
            Random sizes = new Random(6);
            for (int at = 0; at < bytes.length; ) {
                int n = Math.min(bytes.length - at, 1 + sizes.nextInt(30_000));
                out.write(bytes, at, n);
                at += n;
            }
            out.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
