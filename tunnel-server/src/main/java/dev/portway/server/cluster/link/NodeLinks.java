package dev.portway.server.cluster.link;

import dev.portway.monitor.ClusterMeters;
import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.ControlMessage;
import dev.portway.protocol.mux.Role;
import dev.portway.protocol.mux.SessionListener;
import dev.portway.protocol.mux.SessionSettings;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
import dev.portway.protocol.tls.TlsProviders;
import dev.portway.protocol.transport.Transport;
import dev.portway.server.limits.SourceLimits;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The links of this node to the others: one TLS connection per ordered pair of nodes, carrying the same frames,
 * multiplexer and flow control as a client's connection. This node dials a peer on demand, when it first has to
 * forward a public connection there, and keeps the link (PING/PONG) until it breaks; the next need dials again. It
 * also listens for the links of the other nodes, whose streams it hands to {@code inbound}.
 *
 * <p>The dialling side does not check the peer's certificate against a trust store: both sides prove they know the
 * cluster's secret over the certificate the acceptor presented ({@link LinkHandshake}), which a machine in the
 * middle cannot.
 *
 * <p>Threading: any thread. Closing: {@link #close} closes the listener and every link; streams on them are reset.
 */
public final class NodeLinks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeLinks.class);
    private static final Duration HANDSHAKE_DEADLINE = Duration.ofSeconds(10);
    private static final int CONNECT_TIMEOUT_MILLIS = 5000;
    /**
     * A link carries the forwarded connections of every client of a node, not one client's: four times a client
     * connection's streams. Memory stays bounded by the connection's window budget, as on a client connection.
     */
    private static final int LINK_STREAMS = 4 * SessionSettings.DEFAULT_MAX_CONCURRENT_STREAMS;
    /**
     * Per address, on the link port: a node holds one link to this one (and dials again when it breaks), so a few
     * connections and handshakes are plenty, and a stranger cannot hold many handshakes open.
     */
    private static final int LINKS_PER_SOURCE = 8;
    private static final int HANDSHAKES_PER_SOURCE = 2;

    private final String self;
    private final LinkProof proof;
    private final SslContext acceptorContext;
    private final SslContext dialerContext;
    private final SessionSettings settings;
    private final Transport transport;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final SessionListener inbound;
    private final ClusterMeters meters;
    private final Map<String, CompletableFuture<TunnelSession>> outbound = new ConcurrentHashMap<>();
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile Channel listener;
    private volatile Runnable linkLost = () -> { };
    private final SourceLimits sources = new SourceLimits("node link", LINKS_PER_SOURCE, HANDSHAKES_PER_SOURCE,
            refused -> { });
    /** Peers this node could not reach, said at WARN once until it reaches them again. */
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();

    /**
     * @param acceptorContext the TLS this node presents to dialling nodes (its control port's)
     * @param inbound         receives the streams other nodes forward here
     * @param meters          told of each link this node dials, whose round-trip time it reads
     */
    public NodeLinks(String self, String secret, SslContext acceptorContext, SessionSettings settings,
                     Transport transport, EventLoopGroup acceptors, EventLoopGroup workers, SessionListener inbound,
                     ClusterMeters meters) throws SSLException {
        this.meters = meters;
        this.self = self;
        this.proof = new LinkProof(secret);
        this.acceptorContext = acceptorContext;
        this.dialerContext = SslContextBuilder.forClient()
                .sslProvider(TlsProviders.choose("node link"))
                .protocols(TlsProviders.TLS_13)
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .build();
        this.settings = settings.withMaxConcurrentStreams(LINK_STREAMS);
        this.transport = transport;
        this.acceptors = acceptors;
        this.workers = workers;
        this.inbound = inbound;
    }

    /** Listens for other nodes' links on {@code host}:{@code port}; blocks until bound. */
    public InetSocketAddress listen(String host, int port) throws InterruptedException {
        Channel bound = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(transport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(sources.guard(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        install(ch, acceptorContext.newHandler(ch.alloc()), LinkProof.Role.ACCEPTOR, null,
                                Role.SERVER, inbound, error -> { });
                    }
                }))
                .bind(host, port).sync().channel();
        listener = bound;
        channels.add(bound);
        log.info("node links listening address={}", bound.localAddress());
        return (InetSocketAddress) bound.localAddress();
    }

    /**
     * The link to {@code node} at {@code address}: the open one, or a new one dialled now. Fails when the node cannot
     * be reached or does not prove the cluster's secret; the next call dials again.
     */
    public CompletableFuture<TunnelSession> link(String node, HostPort address) {
        while (true) {
            CompletableFuture<TunnelSession> existing = outbound.get(node);
            if (existing != null && !(existing.isDone() && (existing.isCompletedExceptionally()
                    || !existing.join().acceptsNewStreams()))) {
                return existing;
            }
            CompletableFuture<TunnelSession> fresh = new CompletableFuture<>();
            boolean mine = existing == null ? outbound.putIfAbsent(node, fresh) == null
                    : outbound.replace(node, existing, fresh);
            if (mine) {
                if (existing != null) {
                    retire(existing);
                }
                dial(node, address, fresh);
                return fresh;
            }
        }
    }

    /**
     * A link replaced by a new one (its stream ids are running out, or it is going away) says GOAWAY and closes
     * once its open streams have ended.
     */
    private static void retire(CompletableFuture<TunnelSession> old) {
        if (old.isDone() && !old.isCompletedExceptionally()) {
            TunnelSession session = old.join();
            session.goAway(ErrorCode.NO_ERROR, "replaced by a new link").addListener(drained ->
                    session.close(ErrorCode.NO_ERROR, "replaced by a new link"));
        }
    }

    /** Streams open on the links this node dialled: public connections it forwards to other nodes. */
    public int openStreams() {
        int open = 0;
        for (CompletableFuture<TunnelSession> link : outbound.values()) {
            if (link.isDone() && !link.isCompletedExceptionally()) {
                open += link.join().openStreams();
            }
        }
        return open;
    }

    /** {@code listener} runs whenever a link this node dialled closes, so that what used it is moved to a new one. */
    public void onLinkLost(Runnable listener) {
        linkLost = listener;
    }

    private void dial(String node, HostPort address, CompletableFuture<TunnelSession> result) {
        new Bootstrap()
                .group(workers)
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        install(ch, dialerContext.newHandler(ch.alloc(), address.host(), address.port()),
                                LinkProof.Role.DIALER, node, Role.CLIENT, new Outbound(result),
                                result::completeExceptionally);
                    }
                })
                .connect(address.host(), address.port())
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        if (unreachable.add(node)) {
                            log.warn("cannot reach node={} at {} for its link (tried again quietly while it stays"
                                    + " unreachable): {}", node, address, f.cause().toString());
                        } else {
                            log.debug("cannot reach node={} at {}: {}", node, address, f.cause().toString());
                        }
                        result.completeExceptionally(f.cause());
                        outbound.remove(node, result);
                    }
                });
        result.whenComplete((session, error) -> {
            if (error != null) {
                outbound.remove(node, result);
            } else {
                unreachable.remove(node);
                log.info("node link up peer={} address={}", node, address);
                meters.link(node, session::rttNanos);
                session.closeFuture().addListener(closed -> {
                    outbound.remove(node, result);
                    linkLost.run();
                });
            }
        });
    }

    /**
     * The session of a link this node dialled: ready for streams once HELLO came back, not at the handshake's end.
     * It only carries streams this node opens; the peer never opens one on it.
     */
    private static final class Outbound implements SessionListener {
        private final CompletableFuture<TunnelSession> ready;

        Outbound(CompletableFuture<TunnelSession> ready) {
            this.ready = ready;
        }

        @Override
        public void onReady(TunnelSession session) {
            ready.complete(session);
        }

        @Override
        public void onControl(TunnelSession session, ControlMessage message) {
        }

        @Override
        public StreamHandler onStreamOpened(TunnelSession session, TunnelStream stream) {
            return null;
        }

        @Override
        public void onClosed(TunnelSession session, Throwable cause) {
            ready.completeExceptionally(cause != null ? cause : new ClosedChannelException());
        }
    }

    /** Adds TLS, the link handshake and, once it succeeded, the frame codec and the session. */
    private void install(SocketChannel ch, SslHandler tls, LinkProof.Role handshakeRole, String expectedPeer,
                         Role role, SessionListener listener, Consumer<Throwable> failed) {
        TunnelSession session = new TunnelSession(role, settings, listener);
        tls.setHandshakeTimeout(HANDSHAKE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        ch.pipeline()
                .addLast("tls", tls)
                .addLast(LinkHandshake.LINES, LinkHandshake.lines())
                .addLast(LinkHandshake.NAME, new LinkHandshake(handshakeRole, proof, self, expectedPeer,
                        HANDSHAKE_DEADLINE, (channel, peer) -> {
                    SourceLimits.handshakeDone(channel);
                    session.label("node=" + peer);
                    session.addTo(channel.pipeline());
                }, failed));
    }

    @Override
    public void close() {
        Channel bound = listener;
        if (bound != null) {
            bound.close();
        }
        outbound.values().forEach(link -> link.thenAccept(session ->
                session.close(ErrorCode.SHUTTING_DOWN, "node " + self + " stops")));
        channels.close().awaitUninterruptibly(HANDSHAKE_DEADLINE.toMillis());
    }
}
