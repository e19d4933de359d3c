package dev.portway.server.endings;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One side of a relayed connection as a test scripts it: the public peer, or the local service's end of an accepted
 * connection. It reads on its own thread from the start, recording what arrived (count, SHA-256) and how the input
 * ended: a clean end of stream (FIN) or a reset (RST). Writes are random-sized, from a seeded generator, so the
 * sender knows the digest of what it sent.
 */
public final class Peer implements AutoCloseable {
    /** How a socket's input ended. */
    public enum Ending { FIN, RST }

    /** What one side received, and how its input ended. */
    public record Received(long bytes, String sha256, Ending ending) {
    }

    /** What one side sent. */
    public record Sent(long bytes, String sha256) {
    }

    private final Socket socket;
    private final CompletableFuture<Received> received = new CompletableFuture<>();
    private volatile long readSoFar;
    /**
     * A reset reaches whichever of read and write asks first; when a write took it, the next read only sees the end
     * of the stream. So a reset a write met counts as the input's ending too.
     */
    private volatile boolean writeReset;
    private volatile CompletableFuture<Sent> sending = CompletableFuture.completedFuture(null);

    public Peer(Socket socket) {
        this(socket, 0);
    }

    /** @param slowBytes the first this many bytes are read with a pause per read, so the sender's buffers fill */
    public Peer(Socket socket, long slowBytes) {
        this.socket = socket;
        Thread reader = new Thread(() -> read(slowBytes), "peer-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static Peer connect(int port) throws IOException {
        return new Peer(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    /** Connects, and sends {@code tag} first for a tagged {@link ScriptedService} to pair the connection by. */
    public static Peer connectTagged(int port, long tag) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        ScriptedService.sendTag(socket, tag);
        return new Peer(socket);
    }

    public static Peer connectSlowReader(int port, long slowBytes) throws IOException {
        return new Peer(new Socket(InetAddress.getLoopbackAddress(), port), slowBytes);
    }

    /** Writes {@code bytes} pseudo-random bytes in random-sized writes; a reset while writing ends it early. */
    public Sent send(long bytes, long seed) throws IOException {
        Random random = new Random(seed);
        MessageDigest digest = sha256();
        OutputStream out = socket.getOutputStream();
        byte[] chunk = new byte[96 * 1024];
        long left = bytes;
        try {
            while (left > 0) {
                int n = (int) Math.min(left, 1 + random.nextInt(chunk.length));
                random.nextBytes(chunk);
                out.write(chunk, 0, n);
                digest.update(chunk, 0, n);
                left -= n;
            }
            out.flush();
        } catch (SocketException e) {
            writeReset = true;
            throw e;
        }
        return new Sent(bytes, HexFormat.of().formatHex(digest.digest()));
    }

    /** {@link #send} on another thread. */
    public CompletableFuture<Sent> sendAsync(long bytes, long seed) {
        return sending = CompletableFuture.supplyAsync(() -> {
            try {
                return send(bytes, seed);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    /** FIN after everything written so far; the input stays open. */
    public void halfClose() throws IOException {
        socket.shutdownOutput();
    }

    /** close() without a half-close first. */
    public void fullClose() throws IOException {
        socket.close();
    }

    /** RST: SO_LINGER 0 and close, dropping whatever is queued. */
    public void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Bytes read so far. */
    public long readSoFar() {
        return readSoFar;
    }

    public Received received(long timeout, TimeUnit unit) throws Exception {
        return received.get(timeout, unit);
    }

    public CompletableFuture<Received> received() {
        return received;
    }

    private void read(long slowBytes) {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[64 * 1024];
        long count = 0;
        Ending ending;
        try {
            InputStream in = socket.getInputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
                count += n;
                readSoFar = count;
                if (count < slowBytes) {
                    Thread.sleep(1);
                }
            }
            ending = Ending.FIN;
            try {
                sending.handle((sent, error) -> null).get(10, TimeUnit.SECONDS);
            } catch (Exception stillWriting) {
                // A write that neither ends nor fails in 10 s met no reset.
            }
            if (writeReset) {
                ending = Ending.RST;
            }
        } catch (SocketException e) {
            // "Connection reset" from the peer; "Socket closed" only when this side aborted itself.
            ending = Ending.RST;
        } catch (IOException | InterruptedException e) {
            received.completeExceptionally(e);
            return;
        }
        received.complete(new Received(count, HexFormat.of().formatHex(digest.digest()), ending));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
