package dev.portway.server.tcp;

import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.tunnel.PublicPort;
import dev.portway.server.tunnel.PublicTunnel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.List;

/**
 * One public TCP port of one tunnel. Each accepted connection becomes a stream on the owning client's session,
 * through {@link StreamBridge} (which documents the connection's pipeline). The owner can change while the port
 * stays bound: when a client reconnects and takes over its old session, its listeners pass to the new session and
 * the public port never closes.
 *
 * <p>Threading: the owner is read on accepting event loops and replaced on another thread, hence volatile.
 */
public final class TcpTunnelListener extends ChannelInitializer<SocketChannel>
        implements PublicTunnel, PortAcceptor, StreamBridge.Target {
    private final String name;
    private final PublicPort port;
    private final TunnelCounters counters;
    private final StreamBridge bridge;
    /** Accepted public connections still open, so that deleting the tunnel can end them too. */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile TunnelSession owner;

    TcpTunnelListener(String name, int port, PortAllocator ports, TunnelSession owner, TunnelCounters counters,
                      StreamBridge bridge) {
        this.name = name;
        this.port = new PublicPort(port, ports);
        this.owner = owner;
        this.counters = counters;
        this.bridge = bridge;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TunnelType type() {
        return TunnelType.TCP;
    }

    public int port() {
        return port.port();
    }

    @Override
    public String publicAddress(String publicHost) {
        return port.address(publicHost);
    }

    /** A spec that joins a group needs the group's port instead, so it never keeps a plain listener. */
    @Override
    public boolean satisfies(TunnelSpec spec) {
        return spec.type() == TunnelType.TCP && spec.group() == null
                && port.serves(spec.remotePort());
    }

    @Override
    public void owner(TunnelSession owner) {
        this.owner = owner;
    }

    @Override
    public TunnelSession owner() {
        return owner;
    }

    @Override
    public TunnelCounters counters() {
        return counters;
    }

    @Override
    public long storedId() {
        return counters.storedId();
    }

    @Override
    public void storedId(long storedId) {
        counters.storedId(storedId);
    }

    @Override
    public void bound(Channel serverChannel) {
        port.bound(serverChannel);
    }
    /** Stops accepting and gives the port back; streams already open run on until they end. */
    @Override
    public void close() {
        port.close();
    }

    /**
     * Stops accepting and closes the open public connections as well, which resets their streams: for a tunnel that
     * was deleted, where nothing should keep flowing.
     */
    @Override
    public void closeWithConnections() {
        close();
        connections.close();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        connections.add(ch);
        TunnelSession session = owner;
        String label = (session == null ? "" : session.label() + " ") + "tunnel=" + name;
        bridge.connect(ch, label, List.of(this));
    }
}
