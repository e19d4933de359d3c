package dev.portway.server.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A local TCP service that records everything each connection sent it, up to its end, and answers nothing. */
public final class RecordingService implements AutoCloseable {
    private final ServerSocket listener;
    private final LinkedBlockingQueue<CompletableFuture<byte[]>> connections = new LinkedBlockingQueue<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "recording-service");
        t.setDaemon(true);
        return t;
    });

    public RecordingService() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The bytes of the next connection, once it has ended; null when none arrives within the wait. */
    public byte[] nextConnection() throws Exception {
        CompletableFuture<byte[]> next = connections.poll(TunnelFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return next == null ? null : next.get(TunnelFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether a connection arrived, waiting at most {@code millis}. */
    public CompletableFuture<byte[]> connectionWithin(long millis) throws InterruptedException {
        return connections.poll(millis, TimeUnit.MILLISECONDS);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                CompletableFuture<byte[]> received = new CompletableFuture<>();
                connections.add(received);
                threads.execute(() -> record(socket, received));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void record(Socket socket, CompletableFuture<byte[]> received) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (socket; InputStream in = socket.getInputStream()) {
            in.transferTo(bytes);
        } catch (IOException e) {
            // A reset connection still tells what arrived before it.
        }
        received.complete(bytes.toByteArray());
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }
}
