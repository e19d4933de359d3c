package dev.portway.server.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local HTTP service that answers every request with its own name, so a test can tell which member of a group
 * served a public connection. It can be stopped and started again on the same port, as a crashed and restarted
 * service would be. {@link #ask} is the public side's request.
 */
public final class NamedHttpService implements AutoCloseable {
    private final String name;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "named-http-service");
        t.setDaemon(true);
        return t;
    });
    private final int port;
    private volatile ServerSocket listener;

    public NamedHttpService(String name) throws IOException {
        this.name = name;
        this.listener = listen(0);
        this.port = listener.getLocalPort();
        start(listener);
    }

    public int port() {
        return port;
    }

    /** Closes the listening socket: new connections are refused until {@link #restart}. */
    public void stop() throws IOException {
        listener.close();
    }

    public void restart() throws IOException {
        listener = listen(port);
        start(listener);
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
        return socket;
    }

    private void start(ServerSocket socket) {
        threads.execute(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket accepted = socket.accept();
                    threads.execute(() -> answer(accepted));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private void answer(Socket socket) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.isEmpty());
            if (line == null) {
                return;
            }
            byte[] body = name.getBytes(StandardCharsets.US_ASCII);
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            // The public side closes first: a service that closes first leaves TIME_WAIT entries on its own port,
            // and the loopback tunnel's next local connection from a reused port can then fail to connect.
            in.skip(Long.MAX_VALUE);
        } catch (IOException ignored) {
            // A public peer that went away needs no answer.
        }
    }

    /** One request to {@code port} on loopback; returns the body of the answer (a service's name). */
    public static String ask(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return readAnswer(socket.getInputStream());
        }
    }

    /**
     * Opens a connection and reads its answer, but keeps the connection open: for counting the streams a member
     * carries. The caller closes the socket.
     */
    public static Socket hold(int port, StringBuilder answeredBy) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(20_000);
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        answeredBy.append(readAnswer(in));
        return socket;
    }

    /** Reads the headers and the Content-Length body of an answer, and nothing beyond. */
    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        if (c < 0) {
            throw new IOException("connection closed without an answer: " + head);
        }
        int length = Integer.parseInt(head.toString().replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
        byte[] body = in.readNBytes(length);
        return new String(body, StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }
}
