package dev.portway.server.tunnel;

import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.access.PeerFilter;
import dev.portway.server.limits.ConnectionCap;
import dev.portway.server.proxyprotocol.ProxyProtocolInbound;
import dev.portway.server.tcp.StreamBridge;
import dev.portway.server.tcp.TunnelCounters;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.List;

/**
 * The raw public connections of one tunnel, a TCP port's or an {@code https: passthrough} host's: each becomes a
 * stream to the owning client through the {@link StreamBridge}. The owner changes on take-over.
 *
 * <p>Threading: {@link #accept} and {@link #carry} run on the connection's event loop; the owner is replaced from
 * other threads, hence volatile. Closing: {@link #closeAll} ends every connection still open.
 */
public final class TunnelConnections implements StreamBridge.Target {
    private final String name;
    private final String streamType;
    private final TunnelCounters counters;
    private final StreamBridge bridge;
    private final PeerFilter filter;
    private final ConnectionCap cap;
    private volatile String holder;
    /** Connections still open, so that deleting the tunnel can end them too. */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile TunnelSession owner;

    /**
     * @param streamType what its streams are counted as: {@code tcp}, or {@code http} for HTTPS passthrough
     * @param filter     which public peers it takes
     * @param cap        its {@code maxConnections}
     * @param holder     see {@link StreamBridge.Target#holder}
     */
    public TunnelConnections(String name, TunnelType streamType, TunnelSession owner, TunnelCounters counters,
                             StreamBridge bridge, PeerFilter filter, ConnectionCap cap, String holder) {
        this.cap = cap;
        this.holder = holder;
        this.name = name;
        this.streamType = streamType.wireName();
        this.owner = owner;
        this.counters = counters;
        this.bridge = bridge;
        this.filter = filter;
    }

    @Override
    public PeerFilter filter() {
        return filter;
    }

    @Override
    public ConnectionCap cap() {
        return cap;
    }

    @Override
    public String holder() {
        return holder;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TunnelSession owner() {
        return owner;
    }

    public void owner(TunnelSession owner) {
        this.owner = owner;
    }

    /** See {@link dev.portway.server.tunnel.PublicTunnel#forwardTo}. */
    public void forwardTo(TunnelSession link, String holder) {
        this.holder = holder;
        this.owner = link;
    }

    @Override
    public TunnelCounters counters() {
        return counters;
    }

    @Override
    public String streamType() {
        return streamType;
    }

    /** Carries a freshly accepted {@code ch} to a stream of the owner, reading a PROXY header first if one is due. */
    public void accept(SocketChannel ch) {
        connections.add(ch);
        bridge.connect(ch, label(), List.of(this));
    }

    /**
     * Carries {@code ch}, whose real peer is known already, to a stream of the owner; bytes already read (the
     * ClientHello) may follow once this returns. On {@code ch}'s event loop.
     */
    public void carry(SocketChannel ch) {
        connections.add(ch);
        bridge.carry(ch, label(), List.of(this), ProxyProtocolInbound.endpoints(ch));
    }

    private String label() {
        TunnelSession session = owner;
        return (session == null ? "" : session.label() + " ") + "tunnel=" + name;
    }

    /** Closes every connection still open, which resets their streams. */
    public void closeAll() {
        connections.close();
    }
}
