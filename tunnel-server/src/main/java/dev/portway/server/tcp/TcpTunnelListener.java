package dev.portway.server.tcp;

import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.server.tunnel.TunnelConnections;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/**
 * One public TCP port of one tunnel. Each accepted connection becomes a stream on the owning client's session.
 * The owner can change while the port stays bound: when a client reconnects and takes over its old session, its
 * listeners pass to the new session and the public port never closes.
 *
 * <p>Each accepted connection is handed to {@link TunnelConnections#carry}, which builds its pipeline.
 *
 * <p>Threading: any thread; connections are set up on their own event loops.
 */
public final class TcpTunnelListener extends ChannelInitializer<SocketChannel> implements PublicTunnel {
    private final int port;
    private final PortAllocator ports;
    private final TunnelConnections connections;
    private volatile Channel serverChannel;

    TcpTunnelListener(String name, int port, PortAllocator ports, TunnelSession owner,
                      TunnelConnections.Meters meters) {
        this.port = port;
        this.ports = ports;
        this.connections = new TunnelConnections(name, TunnelType.TCP.wireName(), owner, meters);
    }

    @Override
    public String name() {
        return connections.name();
    }

    @Override
    public TunnelType type() {
        return TunnelType.TCP;
    }

    public int port() {
        return port;
    }

    @Override
    public String publicAddress(String publicHost) {
        return (publicHost == null ? "" : publicHost) + ":" + port;
    }

    @Override
    public boolean satisfies(TunnelSpec spec) {
        return spec.type() == TunnelType.TCP && (spec.remotePort() == 0 || spec.remotePort() == port);
    }

    @Override
    public void owner(TunnelSession owner) {
        connections.owner(owner);
    }

    @Override
    public long storedId() {
        return connections.storedId();
    }

    @Override
    public void storedId(long storedId) {
        connections.storedId(storedId);
    }

    void bound(Channel serverChannel) {
        this.serverChannel = serverChannel;
    }

    /** Stops accepting and gives the port back; streams already open run on until they end. */
    @Override
    public void close() {
        Channel channel = serverChannel;
        if (channel == null) {
            ports.release(port);
        } else {
            channel.close().addListener(f -> ports.release(port));
        }
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
        connections.carry(ch);
    }
}
