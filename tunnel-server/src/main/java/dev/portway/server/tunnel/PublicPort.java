package dev.portway.server.tunnel;

import dev.portway.server.tcp.PortAllocator;
import io.netty.channel.Channel;

import java.util.concurrent.CompletableFuture;

/**
 * A public port a tunnel holds, reserved in {@link PortAllocator}, and the socket bound on it once there is one.
 *
 * <p>Threading: any thread; the socket is set by the binder's listener and read elsewhere, hence volatile.
 * Closing: {@link #close} closes the socket and only then gives the port back, so a new tunnel cannot be refused a
 * bind by the socket still going away.
 */
public final class PublicPort {
    private final int port;
    private final PortAllocator ports;
    private volatile Channel socket;

    public PublicPort(int port, PortAllocator ports) {
        this.port = port;
        this.ports = ports;
    }

    public int port() {
        return port;
    }

    /** Whether a tunnel asking for {@code requestedPort} (0: any port) can keep this one. */
    public boolean serves(int requestedPort) {
        return requestedPort == 0 || requestedPort == port;
    }

    public void bound(Channel socket) {
        this.socket = socket;
    }

    /** The bound socket; null before the bind completed. */
    public Channel socket() {
        return socket;
    }

    /** {@code host:port}; without a configured host, {@code :port} for the client to complete with its server's. */
    public String address(String publicHost) {
        return (publicHost == null ? "" : publicHost) + ":" + port;
    }

    /** Completes once the port is given back. */
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> released = new CompletableFuture<>();
        Channel channel = socket;
        if (channel == null) {
            ports.release(port);
            released.complete(null);
        } else {
            channel.close().addListener(f -> {
                ports.release(port);
                released.complete(null);
            });
        }
        return released;
    }
}
