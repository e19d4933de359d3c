package dev.portway.server.tcp;

import dev.portway.monitor.PublicConnectionRefusal;
import dev.portway.monitor.TunnelMetrics;
import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
import dev.portway.protocol.relay.BandwidthThrottle;
import dev.portway.protocol.relay.StreamRelay;
import dev.portway.server.access.PeerFilter;
import dev.portway.server.access.PeerFilters;
import dev.portway.server.auth.Principal;
import dev.portway.server.limits.ConnectionCap;
import dev.portway.server.limits.UserCeiling;
import dev.portway.server.proxyprotocol.ProxyProtocolInbound;
import dev.portway.server.proxyprotocol.PublicEndpoints;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.List;

/**
 * Carries one accepted public TCP connection to a new stream on the first of its candidate tunnels that takes it:
 * a plain tunnel is the only candidate of its connections, a load-balancing group lists its members in the order
 * its policy prefers them. A candidate is passed over for the next when its client is offline, refuses the stream
 * (it is going away: at once, or with RST REFUSED_STREAM when its GOAWAY crossed the OPEN), or reports that it could
 * not connect to its local service before answering anything; in the last two cases the bytes the peer sent so far
 * are replayed to the next candidate ({@link ReplayBuffer}). The
 * public peer sees an error only when no candidate is left.
 *
 * <p>Each connection holds one unit of its tunnel's user's {@code limits.streamsPerUser} from the moment its real
 * peer is known until it closes, however often it moves between candidates (which all belong to one user: groups
 * never mix users). Over the ceiling it is reset at once, before a stream is asked for, and counted as refused for
 * {@code limit}.
 *
 * <p>Pipeline of an accepted connection, in order: the PROXY protocol handlers of {@link ProxyProtocolInbound}
 * (until the header was read or ruled out; nothing below is added before the real peer is known), {@link #TRAFFIC}
 * (counts bytes for the tunnel that carries the
 * connection, read bytes as {@code in}, written bytes as {@code out}; the tunnel's shared counter when it is the only
 * candidate, else a {@link ConnectionTraffic} of the connection's own), {@link #THROTTLE} (holds the connection to the
 * bandwidth of the tunnel carrying it and of its user), {@link #REPLAY} (only with more than one
 * candidate), {@link #RELAY} (replaced by a fresh relay when the connection moves to another candidate).
 *
 * <p>Threading: {@link #connect} runs on the connection's event loop, and so does every step after it: stream
 * results and callbacks arrive on the chosen session's loop and are handed over. Each attempt is checked against
 * the current one there, because a stream's reset can overtake the news that it opened. Closing: the connection
 * is closed when no candidate's client is online, and reset (RST) when the candidates it tried all failed it, as the
 * relay resets it when its stream is reset; otherwise its relay closes it with its stream.
 */
public final class StreamBridge {
    private static final Logger log = LoggerFactory.getLogger(StreamBridge.class);
    public static final String REPLAY = "replay";
    public static final String TRAFFIC = "traffic";
    public static final String THROTTLE = "throttle";
    public static final String RELAY = "relay";

    /** A tunnel that can carry a public connection. Any thread. */
    public interface Target {
        /** The session of the client holding the tunnel now; null when it has none. */
        TunnelSession owner();

        /** The tunnel's name as its client knows it, sent in OPEN. */
        String name();

        TunnelCounters counters();

        /** The stream type its streams are counted as. */
        default String streamType() {
            return TunnelType.TCP.wireName();
        }

        /** {@code connection} now runs on a stream of this tunnel, until it closes or is {@link #released}. */
        default void carrying(Channel connection) {
        }

        /** {@code connection} moved on to another tunnel: its client refused it or could not reach its service. */
        default void released(Channel connection) {
        }

        /** Which public peers the tunnel takes. */
        default PeerFilter filter() {
            return PeerFilter.OPEN;
        }

        /**
         * The session id of the tunnel's client when that client is on another node and this node forwards to it
         * (sent in OPEN, so that node knows whose tunnel the stream is for); null for a client of this node.
         */
        default String holder() {
            return null;
        }

        /** How many connections the tunnel carries at once. */
        default ConnectionCap cap() {
            return ConnectionCap.NONE;
        }
    }

    private final TunnelMetrics metrics;
    private final ProxyProtocolInbound proxyProtocol;
    private final UserCeiling streams;
    private final PeerFilters filters;

    /**
     * @param proxyProtocol whom to believe about a connection's real peer
     * @param streams       {@code limits.streamsPerUser}, shared with the web listeners
     * @param filters       the server's address rules, which every tunnel's filter includes
     */
    public StreamBridge(TunnelMetrics metrics, ProxyProtocolInbound proxyProtocol, UserCeiling streams,
                        PeerFilters filters) {
        this.metrics = metrics;
        this.proxyProtocol = proxyProtocol;
        this.streams = streams;
        this.filters = filters;
    }

    /** Makes the filters of the tunnels whose connections this bridge carries. */
    public PeerFilters filters() {
        return filters;
    }

    /**
     * @param label      context for log lines, such as {@code client=c1 tunnel=ssh}
     * @param candidates in the order to try them; a snapshot the caller does not change
     */
    public void connect(SocketChannel ch, String label, List<? extends Target> candidates) {
        // The stream opens once the real peer is known; bytes after a PROXY header wait for the handlers added here.
        proxyProtocol.install(ch).addListener((Future<PublicEndpoints> resolved) -> {
            if (resolved.isSuccess()) {
                carry(ch, label, candidates, resolved.getNow());
            }
        });
    }

    /**
     * As {@link #connect}, for a connection whose real peer is known already (a listener that read the PROXY header
     * itself, before other bytes it sniffed). Adds the handlers at once, on the connection's event loop.
     */
    public void carry(SocketChannel ch, String label, List<? extends Target> candidates, PublicEndpoints endpoints) {
        // The real peer is known only now (after a PROXY header), so address rules apply here, not at accept.
        List<? extends Target> permitted = candidates.stream().filter(t -> t.filter().permits(endpoints.peer()))
                .toList();
        if (permitted.isEmpty()) {
            metrics.publicConnectionRefused(PublicConnectionRefusal.IP_DENIED);
            log.debug("[{}] refused {}: its address is not allowed", label, endpoints.peerText());
            ch.close();
            return;
        }
        // A group member at its maxConnections is passed over; the connection holds the place of the member it is
        // offered to first, wherever it ends up.
        List<? extends Target> withRoom = permitted.stream().filter(t -> t.cap().hasRoom()).toList();
        ConnectionCap.Ticket place = withRoom.isEmpty() ? null : withRoom.get(0).cap().tryAcquire();
        if (place == null) {
            metrics.publicConnectionRefused(PublicConnectionRefusal.LIMIT);
            log.debug("[{}] refused {}: the tunnel carries maxConnections already", label, endpoints.peerText());
            StreamRelay.abort(ch);
            return;
        }
        ch.closeFuture().addListener(closed -> place.release());
        new Carriage(ch, label, withRoom, endpoints).start();
    }

    /** One public connection on its way to a stream. Its fields are confined to the connection's event loop. */
    private final class Carriage {
        private final SocketChannel ch;
        private final String label;
        private final String peer;
        /** The public address the peer reached, as the PROXY header or the socket says; sent in OPEN. */
        private final String target;
        private final List<? extends Target> candidates;
        private final Iterator<? extends Target> next;
        /** Null with a single candidate: there is nowhere to replay to. */
        private final ReplayBuffer replay;
        /** Null with a single candidate, whose tunnel's shared counter serves. */
        private final ConnectionTraffic traffic;
        private StreamRelay relay;
        private BandwidthThrottle throttle;
        /** The candidate being tried; an older attempt's late news is ignored. */
        private Attempt current;
        /** Whether the connection was counted as accepted; it is counted once, however often it moves. */
        private boolean counted;

        Carriage(SocketChannel ch, String label, List<? extends Target> candidates, PublicEndpoints endpoints) {
            this.ch = ch;
            this.label = label;
            this.peer = endpoints.peerText();
            this.target = endpoints.targetText();
            this.candidates = candidates;
            this.next = candidates.iterator();
            this.replay = candidates.size() > 1 ? new ReplayBuffer() : null;
            this.traffic = candidates.size() == 1 ? null : new ConnectionTraffic();
        }

        void start() {
            Principal user = candidates.get(0).counters().owner();
            UserCeiling.Ticket stream = streams.tryAcquire(user);
            if (stream == null) {
                metrics.publicConnectionRefused(PublicConnectionRefusal.LIMIT);
                streams.logRefused(label + " peer=" + peer, user);
                StreamRelay.abort(ch);
                return;
            }
            // Fires once for every connection, also one that closed already: the count cannot drift.
            ch.closeFuture().addListener(closed -> stream.release());
            ch.pipeline().addLast(TRAFFIC, traffic != null ? traffic.handler() : candidates.get(0).counters().handler());
            throttle = candidates.get(0).counters().throttle();
            ch.pipeline().addLast(THROTTLE, throttle);
            if (replay != null) {
                ch.pipeline().addLast(REPLAY, replay);
            }
            relay = newRelay();
            ch.pipeline().addLast(RELAY, relay);
            tryNext(PublicConnectionRefusal.CLIENT_OFFLINE);
        }

        private StreamRelay newRelay() {
            return new StreamRelay(ch.eventLoop(), label + " peer=" + peer);
        }

        /** @param refusal what to count when no candidate is left: offline unless one refused a stream */
        private void tryNext(PublicConnectionRefusal refusal) {
            Target target = null;
            TunnelSession session = null;
            while (next.hasNext() && session == null) {
                target = next.next();
                session = target.owner();
                if (session != null && !session.channel().isActive()) {
                    session = null;
                }
            }
            if (session == null) {
                if (!counted) {
                    metrics.publicConnectionRefused(refusal);
                }
                if (current == null) {
                    ch.close();
                } else {
                    // A stream was tried and cut: the peer must see a reset, as on a plain tunnel (endings contract).
                    StreamRelay.abort(ch);
                }
                return;
            }
            Attempt attempt = new Attempt(target, relay);
            current = attempt;
            TunnelSession owner = session;
            StreamHandler handler = replay == null ? relay : new AnswerWatch(attempt);
            owner.openStream(new OpenStream(target.name(), peer, this.target, target.holder()), handler).addListener((Future<TunnelStream> f) ->
                    ch.eventLoop().execute(() -> {
                        if (f.isSuccess()) {
                            opened(attempt, f.getNow());
                        } else if (attempt == current) {
                            log.debug("[{} tunnel={}] cannot open a stream for {}: {}", owner.label(),
                                    attempt.target.name(), peer, f.cause().getMessage());
                            tryNext(PublicConnectionRefusal.STREAM_FAILED);
                        }
                    }));
        }

        private void opened(Attempt attempt, TunnelStream stream) {
            if (attempt != current) {
                // Its client already refused the stream or could not reach its service; the stream is gone.
                return;
            }
            attempt.opened = true;
            if (traffic != null) {
                traffic.carriedBy(attempt.target.counters());
                attempt.target.counters().holdTo(throttle);
            }
            attempt.relay.attachStream(stream);
            attempt.target.carrying(ch);
            if (!counted) {
                counted = true;
                metrics.publicConnectionAccepted();
                attempt.target.counters().connectionOpened();
                String type = attempt.target.streamType();
                metrics.streamOpened(type);
                ch.closeFuture().addListener(closed -> metrics.streamClosed(type));
            }
        }

        /**
         * The attempt's client refused the stream or could not reach its local service, and has answered nothing:
         * move on if possible.
         */
        private void moveOn(Attempt attempt, String reason) {
            if (attempt != current) {
                return;
            }
            if (attempt.opened) {
                attempt.target.released(ch);
            }
            if (!ch.isActive()) {
                return;
            }
            if (!replay.replayable() || !next.hasNext()) {
                // As the relay would on the reset: the stream was cut, so its connection ends with RST, not a clean
                // end that would pass for an empty answer.
                StreamRelay.abort(ch);
                return;
            }
            log.debug("[{}] tunnel {} did not take the connection ({}); trying the next", label,
                    attempt.target.name(), reason);
            relay = newRelay();
            ch.pipeline().replace(RELAY, RELAY, relay);
            replay.replay();
            tryNext(PublicConnectionRefusal.STREAM_FAILED);
        }

        /** One candidate being tried with one relay. */
        private static final class Attempt {
            private final Target target;
            private final StreamRelay relay;
            /** Set on the connection's loop when the stream opened and the relay was attached. */
            private boolean opened;

            Attempt(Target target, StreamRelay relay) {
                this.target = target;
                this.relay = relay;
            }
        }

        /**
         * Passes a stream's events to its relay, except a CONNECT_FAILED or REFUSED_STREAM reset before any answer,
         * which moves the connection on. Threading: the session's event loop, like every stream handler.
         */
        private final class AnswerWatch implements StreamHandler {
            private final Attempt attempt;
            private boolean answered;

            AnswerWatch(Attempt attempt) {
                this.attempt = attempt;
            }

            @Override
            public void onData(TunnelStream stream, ByteBuf data) {
                answered();
                attempt.relay.onData(stream, data);
            }

            @Override
            public void onFinish(TunnelStream stream) {
                answered();
                attempt.relay.onFinish(stream);
            }

            @Override
            public void onReset(TunnelStream stream, ErrorCode code, String reason) {
                // Both mean the client did nothing with the stream: it is going away, or its service is down.
                if (!answered && (code == ErrorCode.CONNECT_FAILED || code == ErrorCode.REFUSED_STREAM)) {
                    ch.eventLoop().execute(() -> moveOn(attempt, reason));
                } else {
                    attempt.relay.onReset(stream, code, reason);
                }
            }

            private void answered() {
                if (!answered) {
                    answered = true;
                    ch.eventLoop().execute(replay::stopRecording);
                }
            }
        }
    }
}
