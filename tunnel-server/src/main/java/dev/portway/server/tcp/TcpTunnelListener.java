package dev.portway.server.tcp;

import dev.portway.monitor.PublicConnectionRefusal;
import dev.portway.monitor.TunnelMetrics;
import dev.portway.monitor.TunnelTraffic;
import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
import dev.portway.protocol.relay.ByteCountingHandler;
import dev.portway.protocol.relay.StreamRelay;
import dev.portway.protocol.transport.LoopAffinity;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.storage.traffic.TrafficCounter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One public TCP port of one tunnel. Each accepted connection becomes a stream on the owning client's session.
 * The owner can change while the port stays bound: when a client reconnects and takes over its old session, its
 * listeners pass to the new session and the public port never closes.
 *
 * <p>Pipeline of an accepted connection, in order: {@link #TRAFFIC} (counts bytes for the tunnel's meters, read
 * bytes as {@code in}, written bytes as {@code out}, and for a stored tunnel also into storage's hourly traffic),
 * {@link #RELAY}.
 *
 * <p>Threading: the owner is read on accepting event loops and replaced on another thread, hence volatile.
 */
public final class TcpTunnelListener extends ChannelInitializer<SocketChannel> implements PublicTunnel {
    private static final Logger log = LoggerFactory.getLogger(TcpTunnelListener.class);
    public static final String TRAFFIC = "traffic";
    public static final String RELAY = "relay";
    private static final String TYPE = TunnelType.TCP.wireName();

    /**
     * The server's recorder and this tunnel's byte counters, looked up once per tunnel; {@code history} is storage's
     * traffic counter, null without a database, and {@code userId} the owner's id in storage.
     */
    record Meters(TunnelMetrics metrics, TunnelTraffic traffic, TrafficCounter history, long userId) {
    }

    private final String name;
    private final int port;
    private final PortAllocator ports;
    private final TunnelMetrics metrics;
    private final TrafficCounter history;
    private final long userId;
    private final ByteCountingHandler traffic;
    /** Accepted public connections still open, so that deleting the tunnel can end them too. */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile TunnelSession owner;
    private volatile Channel serverChannel;
    /** The tunnel's id in storage when it was pushed from there; {@link #NOT_STORED} for a client.yaml tunnel. */
    private volatile long storedId = NOT_STORED;

    TcpTunnelListener(String name, int port, PortAllocator ports, TunnelSession owner, Meters meters) {
        this.name = name;
        this.port = port;
        this.ports = ports;
        this.owner = owner;
        this.metrics = meters.metrics();
        this.history = meters.history();
        this.userId = meters.userId();
        TunnelTraffic live = meters.traffic();
        // One counting hook feeds both the live meters and the stored history, so the two cannot disagree.
        this.traffic = new ByteCountingHandler(
                bytes -> {
                    live.bytesIn(bytes);
                    record(bytes, 0);
                },
                bytes -> {
                    live.bytesOut(bytes);
                    record(0, bytes);
                });
    }

    /** A client.yaml tunnel has no row to count against; only pushed (stored) tunnels get a history. */
    private void record(long in, long out) {
        long id = storedId;
        if (id != NOT_STORED && history != null) {
            history.addBytes(id, userId, in, out);
        }
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
        this.owner = owner;
    }

    @Override
    public long storedId() {
        return storedId;
    }

    @Override
    public void storedId(long storedId) {
        this.storedId = storedId;
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
        connections.close();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        TunnelSession session = owner;
        if (session == null || !session.channel().isActive()) {
            metrics.publicConnectionRefused(PublicConnectionRefusal.CLIENT_OFFLINE);
            ch.close();
            return;
        }
        connections.add(ch);
        // Relaying on the carrier's own thread turns every chunk, credit and read request into a plain call.
        LoopAffinity.moveTo(ch, session.channel().eventLoop()).addListener(moved -> {
            if (moved.isSuccess()) {
                relay(ch, session);
            } else {
                ch.close();
            }
        });
    }

    private void relay(SocketChannel ch, TunnelSession session) {
        String peer = ch.remoteAddress().getAddress().getHostAddress() + ":" + ch.remoteAddress().getPort();
        StreamRelay relay = new StreamRelay(ch.eventLoop(), session.label() + " tunnel=" + name + " peer=" + peer);
        ch.pipeline().addLast(TRAFFIC, traffic).addLast(RELAY, relay);
        session.openStream(new OpenStream(name, peer), relay).addListener((Future<TunnelStream> f) -> {
            if (f.isSuccess()) {
                relay.attachStream(f.getNow());
                metrics.publicConnectionAccepted();
                long id = storedId;
                if (id != NOT_STORED && history != null) {
                    history.addConnection(id, userId);
                }
                metrics.streamOpened(TYPE);
                ch.closeFuture().addListener(closed -> metrics.streamClosed(TYPE));
            } else {
                metrics.publicConnectionRefused(PublicConnectionRefusal.STREAM_FAILED);
                log.debug("[{} tunnel={}] cannot open a stream for {}: {}", session.label(), name, peer,
                        f.cause().getMessage());
                ch.close();
            }
        });
    }
}
