package dev.portway.server.tcp;

import dev.portway.monitor.PublicConnectionRefusal;
import dev.portway.monitor.TunnelMetrics;
import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
import dev.portway.protocol.relay.StreamRelay;
import io.netty.channel.Channel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;

/**
 * Carries one accepted public TCP connection to a new stream on the first of its candidate tunnels whose client
 * takes it: a plain tunnel is the only candidate of its connections, a load-balancing group lists its members in
 * the order its policy prefers them. A candidate whose client is offline or refuses the stream (it is going away)
 * is passed over for the next, so the public peer sees an error only when none is left.
 *
 * <p>Pipeline of an accepted connection, in order: {@link #TRAFFIC} (the chosen tunnel's byte counter, read bytes as
 * {@code in}, written bytes as {@code out}; inserted once a stream is open, before any byte is read), {@link #RELAY}.
 *
 * <p>Threading: {@link #connect} runs on the connection's event loop; stream results arrive on the chosen
 * session's loop and touch the pipeline only through the connection's loop. Closing: the connection is closed when
 * no candidate takes it; afterwards the relay closes it with its stream.
 */
public final class StreamBridge {
    private static final Logger log = LoggerFactory.getLogger(StreamBridge.class);
    public static final String TRAFFIC = "traffic";
    public static final String RELAY = "relay";
    private static final String TYPE = TunnelType.TCP.wireName();

    /** A tunnel that can carry a public connection. Any thread. */
    public interface Target {
        /** The session of the client holding the tunnel now; null when it has none. */
        TunnelSession owner();

        /** The tunnel's name as its client knows it, sent in OPEN. */
        String name();

        TunnelCounters counters();

        /** {@code connection} now runs on a stream of this tunnel, until it closes. */
        default void carrying(Channel connection) {
        }
    }

    private final TunnelMetrics metrics;

    public StreamBridge(TunnelMetrics metrics) {
        this.metrics = metrics;
    }

    /** @param label context for log lines, such as {@code client=c1 tunnel=ssh} */
    public void connect(SocketChannel ch, String label, Iterator<? extends Target> candidates) {
        String peer = ch.remoteAddress().getAddress().getHostAddress() + ":" + ch.remoteAddress().getPort();
        StreamRelay relay = new StreamRelay(ch.eventLoop(), label + " peer=" + peer);
        ch.pipeline().addLast(RELAY, relay);
        tryNext(ch, label, peer, relay, candidates, PublicConnectionRefusal.CLIENT_OFFLINE);
    }

    /** @param refusal what to count when no candidate is left: offline unless one refused a stream */
    private void tryNext(SocketChannel ch, String label, String peer, StreamRelay relay,
                         Iterator<? extends Target> candidates, PublicConnectionRefusal refusal) {
        Target target = null;
        TunnelSession session = null;
        while (candidates.hasNext() && session == null) {
            target = candidates.next();
            session = target.owner();
            if (session != null && !session.channel().isActive()) {
                session = null;
            }
        }
        if (session == null) {
            metrics.publicConnectionRefused(refusal);
            ch.close();
            return;
        }
        Target chosen = target;
        TunnelSession owner = session;
        owner.openStream(new OpenStream(chosen.name(), peer), relay).addListener((Future<TunnelStream> f) -> {
            if (f.isSuccess()) {
                TunnelStream stream = f.getNow();
                ch.eventLoop().execute(() -> {
                    ch.pipeline().addBefore(RELAY, TRAFFIC, chosen.counters().handler());
                    relay.attachStream(stream);
                });
                metrics.publicConnectionAccepted();
                chosen.counters().connectionOpened();
                chosen.carrying(ch);
                metrics.streamOpened(TYPE);
                ch.closeFuture().addListener(closed -> metrics.streamClosed(TYPE));
            } else {
                log.debug("[{} tunnel={}] cannot open a stream for {}: {}", owner.label(), chosen.name(), peer,
                        f.cause().getMessage());
                tryNext(ch, label, peer, relay, candidates, PublicConnectionRefusal.STREAM_FAILED);
            }
        });
    }
}
