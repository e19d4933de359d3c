package dev.portway.server.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback that forwards to one target until told to freeze: then every connection it carries at
 * that moment goes silent, neither forwarding nor closing, like a NAT box that lost its mapping. Connections
 * made after the freeze are forwarded normally. Given a prefix, it sends it upstream first on every connection, as a
 * load balancer sends its PROXY header.
 */
public final class FreezableRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private final byte[] prefix;

    private static final class Link {
        final Socket downstream;
        final Socket upstream;
        volatile boolean frozen;

        Link(Socket downstream, Socket upstream) {
            this.downstream = downstream;
            this.upstream = upstream;
        }
    }

    public FreezableRelay(InetSocketAddress target) throws IOException {
        this(target, new byte[0]);
    }

    public FreezableRelay(InetSocketAddress target, byte[] prefix) throws IOException {
        this.target = target;
        this.prefix = prefix.clone();
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "freezable-relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Silences every connection open now; they stay open but carry nothing more. */
    public void freezeExisting() {
        links.forEach(link -> link.frozen = true);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket downstream = listener.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                upstream.getOutputStream().write(prefix);
                Link link = new Link(downstream, upstream);
                links.add(link);
                pump(link, downstream, upstream);
                pump(link, upstream, downstream);
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pump(Link link, Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!link.frozen) {
                        out.write(buffer, 0, n);
                    }
                }
                // A frozen link passes nothing on, not even the end of the stream, and closes nothing.
                if (!link.frozen) {
                    to.shutdownOutput();
                }
            } catch (IOException ignored) {
                // The other side went away; the relay has nothing to report.
            }
        }, "freezable-relay-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Link link : links) {
            link.downstream.close();
            link.upstream.close();
        }
    }
}
