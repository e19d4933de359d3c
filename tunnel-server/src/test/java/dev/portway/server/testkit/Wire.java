package dev.portway.server.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Client-side helpers for pushing bytes through a public port and checking what comes back. */
public final class Wire {
    private Wire() {
    }

    /** What went out and what came back: their SHA-256 and byte counts. */
    public record Exchange(String sentSha256, long sent, String receivedSha256, long received) {
    }

    /**
     * Sends {@code bytes} pseudo-random bytes (from {@code seed}) to the port in random-sized writes, half-closes,
     * and reads until the far side closes. Against an echo service both digests must match.
     */
    public static Exchange echo(int port, long bytes, long seed) throws Exception {
        return echo(InetAddress.getLoopbackAddress(), port, bytes, seed);
    }

    /**
     * {@link #echo(InetAddress, int, long, long)} (seeded with the port) again every 50 ms until all the bytes come
     * back, for a port that is about to be served (again): a moved or forwarded tunnel. Refusals, resets and short
     * answers until then are expected; {@code deadline} ({@link System#nanoTime}) passed, the test fails.
     */
    public static Exchange awaitEcho(InetAddress host, int port, long bytes, long deadline) throws Exception {
        while (true) {
            try {
                Exchange exchange = echo(host, port, bytes, port);
                if (exchange.received() == exchange.sent()) {
                    return exchange;
                }
            } catch (IOException | CompletionException notYet) {
                // Not served yet: refused, or reset by a node still forwarding to one that is gone.
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("port " + port + " on " + host.getHostAddress() + " not served in time");
            }
            Thread.sleep(50);
        }
    }

    /** As {@link #echo(int, long, long)}, to {@code host} (another loopback address, such as a node's). */
    public static Exchange echo(InetAddress host, int port, long bytes, long seed) throws Exception {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(60_000);
            CompletableFuture<String[]> writer = CompletableFuture.supplyAsync(() -> {
                try {
                    return write(socket, bytes, seed);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            MessageDigest received = sha256();
            long count = 0;
            byte[] buffer = new byte[64 * 1024];
            InputStream in = socket.getInputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                received.update(buffer, 0, n);
                count += n;
            }
            String sent = writer.join()[0];
            return new Exchange(sent, bytes, HexFormat.of().formatHex(received.digest()), count);
        }
    }

    private static String[] write(Socket socket, long bytes, long seed) throws IOException {
        Random random = new Random(seed);
        MessageDigest digest = sha256();
        OutputStream out = socket.getOutputStream();
        byte[] chunk = new byte[128 * 1024];
        long left = bytes;
        while (left > 0) {
            int n = (int) Math.min(left, 1 + random.nextInt(chunk.length));
            random.nextBytes(chunk);
            out.write(chunk, 0, n);
            digest.update(chunk, 0, n);
            left -= n;
        }
        out.flush();
        socket.shutdownOutput();
        return new String[] {HexFormat.of().formatHex(digest.digest())};
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Connects to {@code port} on 127.0.0.1 from {@code source}, sends a byte, and says whether the server ended the
     * connection (FIN or RST) before any answer: how a refused connection looks to its peer.
     */
    public static boolean refusedWithoutAnswer(int port, String source) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            try {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            } catch (ConnectException nothingListens) {
                throw nothingListens;
            } catch (SocketException resetAtAccept) {
                // Reset before the handshake's last step reached this side: refused, before any answer too.
                return true;
            }
            socket.setSoTimeout(5000);
            try {
                socket.getOutputStream().write(1);
                return socket.getInputStream().read() < 0;
            } catch (SocketTimeoutException stillOpen) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }
    }
}
