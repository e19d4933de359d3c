package dev.portway.server.tcp;

import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
import dev.portway.protocol.relay.StreamRelay;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One public TCP port of one tunnel. Each accepted connection becomes a stream on the owning client's session.
 * The owner can change while the port stays bound: when a client reconnects and takes over its old session, its
 * listeners pass to the new session and the public port never closes.
 *
 * <p>Threading: the owner is read on accepting event loops and replaced on another thread, hence volatile.
 */
public final class TcpTunnelListener extends ChannelInitializer<SocketChannel> {
    private static final Logger log = LoggerFactory.getLogger(TcpTunnelListener.class);

    private final String name;
    private final int port;
    private final PortAllocator ports;
    private volatile TunnelSession owner;
    private volatile Channel serverChannel;

    TcpTunnelListener(String name, int port, PortAllocator ports, TunnelSession owner) {
        this.name = name;
        this.port = port;
        this.ports = ports;
        this.owner = owner;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public void owner(TunnelSession owner) {
        this.owner = owner;
    }

    void bound(Channel serverChannel) {
        this.serverChannel = serverChannel;
    }

    /** Stops accepting and gives the port back; streams already open run on until they end. */
    public Future<Void> close() {
        Channel channel = serverChannel;
        if (channel == null) {
            ports.release(port);
            return null;
        }
        return channel.close().addListener(f -> ports.release(port));
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        TunnelSession session = owner;
        if (session == null || !session.channel().isActive()) {
            ch.close();
            return;
        }
        String peer = ch.remoteAddress().getAddress().getHostAddress() + ":" + ch.remoteAddress().getPort();
        StreamRelay relay = new StreamRelay(ch.eventLoop(), session.label() + " tunnel=" + name + " peer=" + peer);
        ch.pipeline().addLast(relay);
        session.openStream(new OpenStream(name, peer), relay).addListener((Future<TunnelStream> f) -> {
            if (f.isSuccess()) {
                relay.attachStream(f.getNow());
            } else {
                log.debug("[{} tunnel={}] cannot open a stream for {}: {}", session.label(), name, peer,
                        f.cause().getMessage());
                ch.close();
            }
        });
    }
}
