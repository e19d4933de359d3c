package dev.portway.server.endings;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A local service for a tunnel whose every accepted connection is handed to the test as a {@link Peer} to script:
 * what it sends, when it half-closes, whether it resets.
 */
public final class ScriptedService implements AutoCloseable {
    private final ServerSocket listener;
    private final BlockingQueue<Peer> accepted = new LinkedBlockingQueue<>();

    public ScriptedService() throws IOException {
        listener = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "scripted-service");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The next connection the tunnel brought in. */
    public Peer next() throws InterruptedException {
        Peer peer = accepted.poll(20, TimeUnit.SECONDS);
        if (peer == null) {
            throw new AssertionError("no connection reached the local service within 20 s");
        }
        return peer;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                accepted.add(new Peer(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        Peer peer;
        while ((peer = accepted.poll()) != null) {
            peer.close();
        }
    }
}
