package dev.portway.server.endings;

import dev.portway.server.endings.HttpSocketPeer.Body;
import dev.portway.server.endings.HttpSocketPeer.Ending;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The local service behind an http tunnel, on plain sockets so that a test chooses how each answer is framed and
 * how each connection ends:
 * <ul>
 * <li>{@code /download?bytes=N&seed=S&framing=length|chunked|close}: {@link dev.portway.server.testkit.PatternStream}
 * bytes framed by Content-Length, as chunks, or by closing the connection; with {@code &cut=K} the head and K body
 * bytes only, then RST, as a service that crashed mid-answer;</li>
 * <li>{@code /upload}: reads the body as framed and answers {@code <sha256> <bytes>};</li>
 * <li>a request with {@code Upgrade}: answers 101 and hands the connection to {@link #onUpgrade}.</li>
 * </ul>
 * A connection closes after an answer the request or its framing asks to close after. How each connection was ended
 * by the tunnel's side (its FIN, or its RST) is recorded for {@link #nextEnding}.
 */
final class HttpLocalService implements AutoCloseable {
    /** What the service does with a connection after its {@code 101}. */
    interface Upgraded {
        void run(HttpSocketPeer peer) throws IOException;
    }

    private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final BlockingQueue<Ending> endings = new LinkedBlockingQueue<>();
    private volatile Upgraded upgraded = peer -> { };

    HttpLocalService() throws IOException {
        Thread acceptor = new Thread(this::acceptLoop, "http-local-service");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    void onUpgrade(Upgraded script) {
        this.upgraded = script;
    }

    /** How the next connection the tunnel's side ended was ended: FIN or RST; null when none within the timeout. */
    Ending nextEnding(long seconds) throws InterruptedException {
        return endings.poll(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                Thread connection = new Thread(() -> serve(socket), "http-local-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (HttpSocketPeer peer = new HttpSocketPeer(socket)) {
            String head;
            while ((head = peer.readHead()) != null) {
                if (!answer(peer, head)) {
                    return;
                }
            }
            endings.add(Ending.FIN);
        } catch (SocketException e) {
            endings.add(Ending.RST);
        } catch (IOException e) {
            // A test that cares reads what the public side saw; this side has nothing more to say.
        }
    }

    /** Answers one request; false when the connection is done. */
    private boolean answer(HttpSocketPeer peer, String head) throws IOException {
        String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
        String uri = requestLine[1];
        String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        Map<String, String> query = query(uri);
        String connection = String.valueOf(HttpSocketPeer.header(head, "Connection")).toLowerCase(Locale.ROOT);
        boolean keepAlive = requestLine[2].equals("HTTP/1.1") ? !connection.contains("close")
                : connection.contains("keep-alive");
        if (HttpSocketPeer.header(head, "Upgrade") != null) {
            peer.send("HTTP/1.1 101 Switching Protocols\r\nUpgrade: " + HttpSocketPeer.header(head, "Upgrade")
                    + "\r\nConnection: Upgrade\r\n\r\n");
            upgraded.run(peer);
            return false;
        }
        if (path.equals("/upload")) {
            Body body = peer.readBody(head);
            String text = body.sha256() + " " + body.bytes();
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: " + text.length()
                    + (keepAlive ? "" : "\r\nConnection: close") + "\r\n\r\n" + text);
            return keepAlive;
        }
        long bytes = Long.parseLong(query.get("bytes"));
        long seed = Long.parseLong(query.get("seed"));
        String framing = query.get("framing");
        String keep = keepAlive ? "" : "Connection: close\r\n";
        switch (framing) {
            case "length" -> peer.send("HTTP/1.1 200 OK\r\nContent-Length: " + bytes + "\r\n" + keep + "\r\n");
            case "chunked" -> peer.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n" + keep + "\r\n");
            case "close" -> peer.send("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
            default -> throw new IllegalArgumentException(framing);
        }
        if (query.containsKey("cut")) {
            peer.sendPattern(seed, bytes, Long.parseLong(query.get("cut")));
            peer.abort();
            return false;
        }
        if (framing.equals("chunked")) {
            peer.sendChunkedPattern(seed, bytes);
        } else {
            peer.sendPattern(seed, bytes);
        }
        return keepAlive && !framing.equals("close");
    }

    private static Map<String, String> query(String uri) {
        Map<String, String> query = new HashMap<>();
        int mark = uri.indexOf('?');
        if (mark >= 0) {
            for (String pair : uri.substring(mark + 1).split("&")) {
                int eq = pair.indexOf('=');
                query.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return query;
    }
}
