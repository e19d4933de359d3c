package dev.portway.server.tunnel;

import dev.portway.monitor.PublicConnectionRefusal;
import dev.portway.monitor.TunnelMetrics;
import dev.portway.monitor.TunnelTraffic;
import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
import dev.portway.protocol.relay.ByteCountingHandler;
import dev.portway.protocol.relay.StreamRelay;
import dev.portway.storage.traffic.TrafficCounter;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * Carries the raw public connections of one tunnel to its owning client, each as one stream: what a TCP port and an
 * HTTPS passthrough route have in common. The owner can change while the tunnel stays open: when a client reconnects
 * and takes over its old session, new connections go to the new session.
 *
 * <p>{@link #carry} appends to a connection's pipeline, in order: {@link #TRAFFIC} (counts bytes for the tunnel's
 * meters, read bytes as {@code in}, written bytes as {@code out}, and for a stored tunnel also into storage's hourly
 * traffic), {@link #RELAY}. Bytes that reach the relay before the stream opens wait there, so a handler in front
 * that has already read some (a ClientHello) can pass them on by removing itself.
 *
 * <p>Threading: {@link #carry} runs on the connection's event loop; the owner and stored id are replaced from other
 * threads, hence volatile. Closing: a connection whose stream cannot be opened, or whose client is offline, is
 * closed here; {@link #closeAll} ends every connection still open.
 */
public final class TunnelConnections {
    private static final Logger log = LoggerFactory.getLogger(TunnelConnections.class);
    public static final String TRAFFIC = "traffic";
    public static final String RELAY = "relay";

    /**
     * The server's recorder and this tunnel's byte counters, looked up once per tunnel; {@code history} is storage's
     * traffic counter, null without a database, and {@code userId} the owner's id in storage.
     */
    public record Meters(TunnelMetrics metrics, TunnelTraffic traffic, TrafficCounter history, long userId) {
    }

    private final String name;
    /** The stream type label in the meters: {@code tcp}, or {@code http} for HTTPS passthrough. */
    private final String type;
    private final TunnelMetrics metrics;
    private final TrafficCounter history;
    private final long userId;
    private final ByteCountingHandler traffic;
    /** Connections still open, so that deleting the tunnel can end them too. */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile TunnelSession owner;
    /** The tunnel's id in storage when it was pushed from there; {@link PublicTunnel#NOT_STORED} otherwise. */
    private volatile long storedId = PublicTunnel.NOT_STORED;

    public TunnelConnections(String name, String type, TunnelSession owner, Meters meters) {
        this.name = name;
        this.type = type;
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
        if (id != PublicTunnel.NOT_STORED && history != null) {
            history.addBytes(id, userId, in, out);
        }
    }

    public String name() {
        return name;
    }

    public void owner(TunnelSession owner) {
        this.owner = owner;
    }

    public long storedId() {
        return storedId;
    }

    public void storedId(long storedId) {
        this.storedId = storedId;
    }

    /**
     * Opens a stream to the owner for {@code ch} and relays between them, or closes {@code ch} when the owner is
     * offline or the stream cannot be opened. On {@code ch}'s event loop.
     */
    public void carry(Channel ch) {
        TunnelSession session = owner;
        if (session == null || !session.channel().isActive()) {
            metrics.publicConnectionRefused(PublicConnectionRefusal.CLIENT_OFFLINE);
            ch.close();
            return;
        }
        connections.add(ch);
        InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
        String peer = remote.getAddress().getHostAddress() + ":" + remote.getPort();
        StreamRelay relay = new StreamRelay(ch.eventLoop(), session.label() + " tunnel=" + name + " peer=" + peer);
        ch.pipeline().addLast(TRAFFIC, traffic).addLast(RELAY, relay);
        session.openStream(new OpenStream(name, peer), relay).addListener((Future<TunnelStream> f) -> {
            if (f.isSuccess()) {
                relay.attachStream(f.getNow());
                metrics.publicConnectionAccepted();
                long id = storedId;
                if (id != PublicTunnel.NOT_STORED && history != null) {
                    history.addConnection(id, userId);
                }
                metrics.streamOpened(type);
                ch.closeFuture().addListener(closed -> metrics.streamClosed(type));
            } else {
                metrics.publicConnectionRefused(PublicConnectionRefusal.STREAM_FAILED);
                log.debug("[{} tunnel={}] cannot open a stream for {}: {}", session.label(), name, peer,
                        f.cause().getMessage());
                ch.close();
            }
        });
    }

    /** Closes every connection still open, which resets their streams. */
    public void closeAll() {
        connections.close();
    }
}
