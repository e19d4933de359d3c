package dev.portway.server.cluster.link;

import dev.portway.monitor.ClusterMeters;
import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.control.ControlMessage;
import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.mux.SessionListener;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
import dev.portway.protocol.relay.StreamSplice;
import dev.portway.server.control.ClientSession;
import dev.portway.server.control.SessionRegistry;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Streams other nodes forward to this one: each names a session of this node and one of its tunnels, and is joined
 * to a new stream to that client ({@link StreamSplice}). The forwarding node applied the tunnel's rules and limits
 * already, where the public connection arrived; here the stream only finds its client.
 *
 * <p>A stream for a session or tunnel this node no longer holds is refused (RST REFUSED_STREAM): the forwarding
 * node's picture was stale, and it looks again. So is one the client refuses. A stream for a session whose client
 * has not registered its tunnels yet (it has just moved here) waits for that, up to {@link #REGISTRATION_WAIT}.
 *
 * <p>Threading: called on the link's event loop; the client's stream opens on the client's.
 */
public final class ForwardedStreams implements SessionListener {
    private static final Logger log = LoggerFactory.getLogger(ForwardedStreams.class);

    /** How long a stream waits for the first registration of a client that has just moved here. */
    static final Duration REGISTRATION_WAIT = Duration.ofSeconds(10);

    private final SessionRegistry registry;
    private final ClusterMeters meters;

    public ForwardedStreams(SessionRegistry registry, ClusterMeters meters) {
        this.registry = registry;
        this.meters = meters;
    }

    @Override
    public void onControl(TunnelSession link, ControlMessage message) {
    }

    @Override
    public StreamHandler onStreamOpened(TunnelSession link, TunnelStream stream) {
        OpenStream open = stream.open();
        ClientSession client = open.session() == null ? null : registry.bySessionId(open.session());
        TunnelSession carrier = client == null ? null : client.session();
        if (carrier == null || !carrier.channel().isActive()) {
            return refuse(link, open);
        }
        StreamSplice splice = new StreamSplice(stream);
        if (client.holdsTunnel(open.tunnel())) {
            join(splice, carrier, open);
            return splice.first();
        }
        CompletableFuture<Void> registration = client.firstRegistration().toCompletableFuture();
        if (registration.isDone()) {
            return refuse(link, open);
        }
        // A client that has just taken its session over here: the other nodes forward to this node from the moment
        // of the take-over, before its tunnels are registered again. The stream waits for them (its bytes wait in
        // the link's window), so that no request falls into that gap.
        registration.completeOnTimeout(null, REGISTRATION_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((registered, error) -> link.channel().eventLoop().execute(() -> {
                    if (client.holdsTunnel(open.tunnel()) && carrier.channel().isActive()) {
                        join(splice, carrier, open);
                    } else {
                        refuse(link, open);
                        splice.failSecond(ErrorCode.REFUSED_STREAM, "tunnel " + open.tunnel() + " is not held here");
                    }
                }));
        return splice.first();
    }

    private StreamHandler refuse(TunnelSession link, OpenStream open) {
        log.debug("[{}] refusing a forwarded stream for session={} tunnel={}: not held here", link.label(),
                open.session(), open.tunnel());
        meters.forwardedStream(false);
        return null;
    }

    /** Opens the stream to the client that {@code splice} joins to the forwarded one. */
    private void join(StreamSplice splice, TunnelSession carrier, OpenStream open) {
        carrier.openStream(open.towardsClient(), splice.second()).addListener((Future<TunnelStream> opened) -> {
            meters.forwardedStream(opened.isSuccess());
            if (opened.isSuccess()) {
                splice.attachSecond(opened.getNow());
            } else {
                splice.failSecond(ErrorCode.REFUSED_STREAM, "the client refused the stream: "
                        + opened.cause().getMessage());
            }
        });
    }
}
