package dev.portway.server.endings;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A local service for a tunnel whose every accepted connection is handed to the test as a {@link Peer} to script:
 * what it sends, when it half-closes, whether it resets. Connections are handed out in the order they arrive; with
 * many at once, a tagged service pairs them with their public side instead: each public peer first sends an 8-byte
 * tag ({@link #sendTag}), which the service reads before the peer's own bytes.
 */
public final class ScriptedService implements AutoCloseable {
    private final ServerSocket listener;
    private final boolean tagged;
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private final ConcurrentHashMap<Long, CompletableFuture<Peer>> byTag = new ConcurrentHashMap<>();

    public ScriptedService() throws IOException {
        this(false);
    }

    public ScriptedService(boolean tagged) throws IOException {
        this.tagged = tagged;
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
        return new Peer(nextSocket());
    }

    /**
     * The next connection, once it has delivered {@code prefix} (which the public peer sent first, such as the TLS
     * ClientHello a passthrough route needs); the {@link Peer} reads what follows.
     */
    public Peer nextAfter(byte[] prefix) throws InterruptedException, IOException {
        Socket socket = nextSocket();
        byte[] first = new byte[prefix.length];
        new DataInputStream(socket.getInputStream()).readFully(first);
        if (!java.util.Arrays.equals(first, prefix)) {
            socket.close();
            throw new AssertionError("the connection did not start with the expected " + prefix.length + " bytes");
        }
        return new Peer(socket);
    }

    private Socket nextSocket() throws InterruptedException {
        Socket socket = accepted.poll(20, TimeUnit.SECONDS);
        if (socket == null) {
            throw new AssertionError("no connection reached the local service within 20 s");
        }
        return socket;
    }

    /** The connection whose public side sent {@code tag}. */
    public Peer tagged(long tag) throws Exception {
        return whenTagged(tag).get(20, TimeUnit.SECONDS);
    }

    /** The connection whose public side sent {@code tag}, once it arrives: for a test that races it with a refusal. */
    public CompletableFuture<Peer> whenTagged(long tag) {
        return byTag.computeIfAbsent(tag, t -> new CompletableFuture<>());
    }

    /** Sends the tag a tagged service pairs a connection by; not part of what the peer {@link Peer#send}s. */
    public static void sendTag(Socket socket, long tag) throws IOException {
        new DataOutputStream(socket.getOutputStream()).writeLong(tag);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                if (tagged) {
                    Thread pairing = new Thread(() -> pair(socket), "scripted-service-pairing");
                    pairing.setDaemon(true);
                    pairing.start();
                } else {
                    accepted.add(socket);
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pair(Socket socket) {
        try {
            long tag = new DataInputStream(socket.getInputStream()).readLong();
            byTag.computeIfAbsent(tag, t -> new CompletableFuture<>()).complete(new Peer(socket));
        } catch (IOException e) {
            // A public peer that reset before its tag arrived has no test waiting for it.
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing a broken socket.
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        Socket socket;
        while ((socket = accepted.poll()) != null) {
            socket.close();
        }
    }
}
