package dev.portway.server.tcp;

import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.access.PeerFilter;
import dev.portway.server.limits.ConnectionCap;
import dev.portway.server.tunnel.PublicPort;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.server.tunnel.TunnelConnections;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

import java.util.concurrent.CompletionStage;

/**
 * One public TCP port of one tunnel. Each accepted connection becomes a stream on the owning client's session,
 * through its {@link TunnelConnections} and the {@link StreamBridge} (which documents the connection's pipeline). The owner can change while the port
 * stays bound: when a client reconnects and takes over its old session, its listeners pass to the new session and
 * the public port never closes.
 *
 * <p>Threading: any thread; connections are set up on their own event loops.
 */
public final class TcpTunnelListener extends ChannelInitializer<SocketChannel> implements PublicTunnel, PortAcceptor {
    private final PublicPort port;
    private final TunnelConnections connections;

    TcpTunnelListener(String name, PublicPort port, TunnelSession owner, TunnelCounters counters,
                      StreamBridge bridge, PeerFilter filter, ConnectionCap cap, String holder) {
        this.port = port;
        this.connections = new TunnelConnections(name, TunnelType.TCP, owner, counters, bridge, filter, cap, holder);
    }

    @Override
    public String name() {
        return connections.name();
    }

    @Override
    public TunnelType type() {
        return TunnelType.TCP;
    }

    @Override
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
        return spec.type() == TunnelType.TCP && spec.group() == null && port.serves(spec.remotePort());
    }

    @Override
    public void owner(TunnelSession owner) {
        connections.owner(owner);
    }

    @Override
    public void forwardTo(TunnelSession link, String holder) {
        connections.forwardTo(link, holder);
    }

    @Override
    public long storedId() {
        return connections.counters().storedId();
    }

    @Override
    public void storedId(long storedId) {
        connections.counters().storedId(storedId);
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

    @Override
    public CompletionStage<Void> closeReleasing() {
        return port.close();
    }

    /**
     * Stops accepting and closes the open public connections as well, which resets their streams: for a tunnel that
     * was deleted, where nothing should keep flowing.
     */
    @Override
    public void closeWithConnections() {
        close();
        connections.closeAll();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        connections.accept(ch);
    }
}
