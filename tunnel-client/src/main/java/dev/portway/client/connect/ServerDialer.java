package dev.portway.client.connect;

import dev.portway.client.config.ProxyConfig;
import dev.portway.client.config.ServerAddress;
import dev.portway.client.tls.ClientTls;
import dev.portway.protocol.transport.Transport;
import dev.portway.protocol.transport.WebSocketCarrier;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.proxy.Socks5ProxyHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Opens the client's connection to one server address: TCP, directly or through the configured proxy (HTTP CONNECT
 * or SOCKS5), then TLS, then for a {@code wss://} address an upgrade to a WebSocket whose binary messages carry the
 * frames. The session's handlers ({@code installSession}) go in when the carrier is ready: at once for TLS, since
 * the session's first frames may wait behind the handshakes, and after the upgrade for a WebSocket.
 *
 * <p>Threading: {@link #dial} may be called from any thread; the pipeline is built on the channel's event loop.
 */
public final class ServerDialer {
    private static final Logger log = LoggerFactory.getLogger(ServerDialer.class);
    /** The upgrade's answer is a status line and a few headers. */
    private static final int MAX_UPGRADE_RESPONSE = 16 * 1024;

    private final ClientTls tls;
    private final Transport transport;
    private final ProxyConfig proxy;
    private final Duration timeout;
    private final int maxFramePayload;
    private final Resolver resolver;

    /** Every address of a name; the system's resolver in production. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] all(String host) throws UnknownHostException;
    }

    public ServerDialer(ClientTls tls, Transport transport, ProxyConfig proxy, Duration timeout, int maxFramePayload) {
        this(tls, transport, proxy, timeout, maxFramePayload, InetAddress::getAllByName);
    }

    /**
     * @param proxy           null: every address is dialed directly
     * @param timeout         for each step: the TCP connect, the proxy's answer, and the WebSocket upgrade
     * @param maxFramePayload the largest frame payload this client accepts, which bounds a WebSocket message
     */
    public ServerDialer(ClientTls tls, Transport transport, ProxyConfig proxy, Duration timeout, int maxFramePayload,
                        Resolver resolver) {
        this.resolver = resolver;
        this.tls = tls;
        this.transport = transport;
        this.proxy = proxy;
        this.timeout = timeout;
        this.maxFramePayload = maxFramePayload;
    }

    /**
     * @param installSession adds the frame codec and session at the end of the pipeline; from then on the session
     *                       reports how the connection ends
     * @param failedEarly    the connection ended before {@code installSession} ran, with the cause when known; not
     *                       called when the returned future fails (the TCP connect itself)
     * @return completes with the connected channel, or fails when no address of the server's name took the connection
     */
    public Future<Channel> dial(EventLoopGroup group, ServerAddress server, Consumer<ChannelPipeline> installSession,
                                Consumer<Throwable> failedEarly) {
        ProxyConfig via = proxyFor(server);
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline pipeline = ch.pipeline();
                        if (via != null) {
                            pipeline.addLast("proxy", proxyHandler(via));
                        }
                        pipeline.addLast("tls", tls.newHandler(ch.alloc(), server.host(), server.port()));
                        if (server.kind() == ServerAddress.Kind.WEBSOCKET) {
                            addWebSocket(pipeline, server, installSession, failedEarly);
                        } else {
                            installSession.accept(pipeline);
                        }
                    }
                });
        Promise<Channel> connected = group.next().newPromise();
        if (via == null) {
            connectAny(bootstrap, server, connected);
            return connected;
        }
        // The proxy resolves the server's name: a LAN that needs a proxy often cannot resolve public names itself.
        bootstrap.resolver(NoopAddressResolverGroup.INSTANCE)
                .connect(InetSocketAddress.createUnresolved(server.host(), server.port()))
                .addListener((ChannelFuture f) -> complete(f, connected));
        return connected;
    }

    /**
     * A name with several addresses (the nodes of a cluster behind one name) is tried address after address, from
     * one picked at random so that clients spread over the nodes; the first to take the TCP connection is used. TLS
     * still checks the certificate against the name.
     */
    private void connectAny(Bootstrap bootstrap, ServerAddress server, Promise<Channel> connected) {
        InetAddress[] addresses;
        try {
            addresses = resolver.all(server.host());
        } catch (UnknownHostException e) {
            connected.setFailure(e);
            return;
        }
        int first = addresses.length < 2 ? 0 : ThreadLocalRandom.current().nextInt(addresses.length);
        connectFrom(bootstrap, server, addresses, first, 0, connected);
    }

    private void connectFrom(Bootstrap bootstrap, ServerAddress server, InetAddress[] addresses, int first, int tried,
                             Promise<Channel> connected) {
        InetAddress at = addresses[(first + tried) % addresses.length];
        bootstrap.connect(new InetSocketAddress(at, server.port())).addListener((ChannelFuture f) -> {
            if (f.isSuccess() || tried + 1 == addresses.length) {
                complete(f, connected);
            } else {
                log.info("cannot connect to {} at {}: {}; trying its next address", server, at.getHostAddress(),
                        f.cause().getMessage());
                connectFrom(bootstrap, server, addresses, first, tried + 1, connected);
            }
        });
    }

    private static void complete(ChannelFuture attempt, Promise<Channel> connected) {
        if (attempt.isSuccess()) {
            connected.setSuccess(attempt.channel());
        } else {
            connected.setFailure(attempt.cause());
        }
    }

    /** The proxy this address is dialed through, or null. */
    public ProxyConfig proxyFor(ServerAddress server) {
        return proxy == null || proxy.bypasses(server.host()) ? null : proxy;
    }

    /**
     * Why a connection attempt failed, for the log and the events: a proxy's refusal names the proxy and its
     * answer (a status such as 407, "authentication failed", "timeout"), never the password.
     */
    public String explain(ServerAddress server, Throwable cause) {
        ProxyConfig via = proxyFor(server);
        Throwable root = cause;
        while (!(root instanceof ProxyConnectException) && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (root instanceof ProxyConnectException && via != null) {
            // Netty's text is "<protocol>, <auth>, <proxy> => <destination>, <what happened>".
            int arrow = message.indexOf(" => ");
            int comma = arrow < 0 ? -1 : message.indexOf(", ", arrow);
            String what = comma < 0 ? message : message.substring(comma + 2);
            if (what.startsWith("authStatus: ")) {
                what = "it refused the user name or password (SOCKS5 " + what + ")";
            }
            return "proxy " + via + " refused the way to " + server.address() + ": " + what;
        }
        return via == null ? message : message + " (via proxy " + via + ")";
    }

    private ProxyHandler proxyHandler(ProxyConfig via) {
        // Resolved here, on the connection's loop, once per attempt: a proxy's address may change between attempts.
        InetSocketAddress address = new InetSocketAddress(via.address().host(), via.address().port());
        ProxyHandler handler = switch (via.kind()) {
            case HTTP -> via.user() == null ? new HttpProxyHandler(address)
                    : new HttpProxyHandler(address, via.user(), via.password());
            case SOCKS5 -> via.user() == null ? new Socks5ProxyHandler(address)
                    : new Socks5ProxyHandler(address, via.user(), via.password());
        };
        handler.setConnectTimeoutMillis(timeout.toMillis());
        return handler;
    }

    private void addWebSocket(ChannelPipeline pipeline, ServerAddress server, Consumer<ChannelPipeline> installSession,
                              Consumer<Throwable> failedEarly) {
        URI uri = URI.create("wss://" + server.address() + server.path());
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .subprotocol(WebSocketCarrier.SUBPROTOCOL)
                .version(WebSocketVersion.V13)
                .allowExtensions(false)
                .customHeaders(EmptyHttpHeaders.INSTANCE)
                .maxFramePayloadLength(WebSocketCarrier.maxMessage(maxFramePayload))
                .handshakeTimeoutMillis(timeout.toMillis())
                .handleCloseFrames(true)
                .dropPongFrames(true)
                .generateOriginHeader(false)
                .build();
        pipeline.addLast("http-codec", new HttpClientCodec())
                .addLast("http-aggregator", new HttpObjectAggregator(MAX_UPGRADE_RESPONSE))
                .addLast("websocket", new WebSocketClientProtocolHandler(config))
                .addLast("websocket-carrier", new WebSocketCarrier(true))
                .addLast(PendingUpgrade.NAME, new PendingUpgrade(installSession, failedEarly));
    }
}
