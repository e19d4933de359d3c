package dev.portway.server.http;

import dev.portway.monitor.TunnelMetrics;
import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.control.ControlMessage;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.Role;
import dev.portway.protocol.mux.SessionListener;
import dev.portway.protocol.mux.SessionSettings;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
import dev.portway.protocol.transport.Transport;
import dev.portway.server.access.PeerFilters;
import dev.portway.server.auth.Principal;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.config.LimitsConfig;
import dev.portway.server.limits.UserCeiling;
import dev.portway.server.plans.UserAccounts;
import dev.portway.server.proxyprotocol.ProxyProtocolInbound;
import dev.portway.server.proxyprotocol.TrustedProxies;
import dev.portway.server.tcp.StreamBridge;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.server.tunnel.RouteRefresh;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request forwarded to another node that the node refuses (its picture was stale: the client moved on) is tried
 * once more after this node read its picture again: over real loopback sockets, a public HTTP listener, a link
 * session, and a far node that refuses the first streams it is offered.
 */
@Timeout(20)
class ForwardedRequestRetryTest {
    private static final Principal ALICE = new Principal("alice", 1, 1);
    private static final Principal BOB = new Principal("bob", 2, 2);
    private static final String HOST = "web.tunnel.test";
    private static final TunnelSpec WEB = new TunnelSpec("web", TunnelType.HTTP, 0, null,
            new HttpOptions("web", null, null, null, null, null, null, null), null);

    private final Transport transport = Transport.detect();
    private final EventLoopGroup group = transport.newGroup(2, "retry-test");
    private final HttpVhostRouter router = new HttpVhostRouter();
    /** How many streams the far node refuses before it answers. */
    private final AtomicInteger refusals = new AtomicInteger();
    /** What the far node was offered, refused or not: the session each OPEN named. */
    private final List<String> offered = new CopyOnWriteArrayList<>();
    private final AtomicInteger refreshes = new AtomicInteger();
    private final AtomicReference<PublicTunnel> forwarded = new AtomicReference<>();
    private Channel far;
    private Channel web;
    private TunnelSession link;
    private HttpTunnelBinder binder;

    @BeforeEach
    void start() throws Exception {
        far = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        new TunnelSession(Role.SERVER, SessionSettings.defaults("far"), new FarNode())
                                .addTo(ch.pipeline());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        CompletableFuture<TunnelSession> ready = new CompletableFuture<>();
        new Bootstrap().group(group).channel(transport.socketChannel()).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                new TunnelSession(Role.CLIENT, SessionSettings.defaults("near"), new SessionListener() {
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
                }).addTo(ch.pipeline());
            }
        }).connect(far.localAddress()).sync();
        link = ready.get(5, TimeUnit.SECONDS);

        HttpConfig config = new HttpConfig("tunnel.test", 80, 0);
        StreamBridge bridge = new StreamBridge(TunnelMetrics.NOOP,
                new ProxyProtocolInbound(TrustedProxies.of(List.of()), ProxyProtocolInbound.Refusal.CLOSE),
                new UserCeiling("limits.streamsPerUser", "streams", 16), PeerFilters.NONE);
        ServedLoopGroup webLoops = new ServedLoopGroup(group);
        binder = new HttpTunnelBinder(config, router, TunnelMetrics.NOOP, bridge, webLoops, null,
                UserAccounts.serverLimitsOnly(LimitsConfig.DEFAULTS), host -> false, host -> { });
        // The refresh finds the client on another session of the far node: the request goes there the second time.
        RouteRefresh refresh = () -> {
            refreshes.incrementAndGet();
            forwarded.get().forwardTo(link, "session-2");
            return CompletableFuture.completedFuture(null);
        };
        forwarded.set(binder.forward(WEB, link, ALICE, "session-1", refresh).toCompletableFuture()
                .get(5, TimeUnit.SECONDS));
        HttpFrontend frontend = new HttpFrontend(config, router, ErrorPages.builtIn(), TunnelMetrics.NOOP,
                new ProxyProtocolInbound(TrustedProxies.of(List.of()), ProxyProtocolInbound.Refusal.HTTP_400),
                webLoops, new UserCeiling("limits.streamsPerUser", "streams", 16), WellKnownAnswers.NONE);
        web = new ServerBootstrap().group(group, webLoops).channel(transport.serverChannel())
                .childHandler(frontend.initializer()).bind("127.0.0.1", 0).sync().channel();
    }

    @AfterEach
    void stop() {
        web.close().syncUninterruptibly();
        far.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aRequestRefusedOnceIsServedWhereTheRefreshedPicturePoints() throws IOException {
        refusals.set(1);

        String answer = exchange("GET /page HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nserved GET /page");
        assertThat(refreshes).hasValue(1);
        assertThat(offered).containsExactly("session-1", "session-2");
    }

    @Test
    void itIsTriedOnceMoreOnly() throws IOException {
        refusals.set(2);

        String answer = exchange("GET /page HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 502 Bad Gateway");
        assertThat(refreshes).hasValue(1);
        assertThat(offered).containsExactly("session-1", "session-2");
    }

    /** Its body went into the refused stream; this node kept no copy to send again. */
    @Test
    void aRequestWithABodyIsNotTriedAgain() throws IOException {
        refusals.set(1);

        String answer = exchange("POST /form HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 5\r\n"
                + "Connection: close\r\n\r\nhello");

        assertThat(answer).startsWith("HTTP/1.1 502 Bad Gateway");
        assertThat(refreshes).hasValue(0);
        assertThat(offered).containsExactly("session-1");
    }

    /**
     * The client moved to this node: its tunnel here takes the routes from the forwarded copy as it binds, so no
     * request meets a 404 in between; the database decided already who holds them, but never for another user.
     */
    @Test
    void aTunnelOfThisNodeTakesTheRoutesOfTheForwardedCopyInPlace() throws Exception {
        assertThat(binder.open(WEB, link, BOB).toCompletableFuture()).failsWithin(5, TimeUnit.SECONDS)
                .withThrowableThat().withMessageContaining("belongs to another user");
        assertThat(router.route(HOST, "/")).isSameAs(forwarded.get());

        PublicTunnel local = binder.open(WEB, link, ALICE).toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(router.route(HOST, "/")).isSameAs(local);
        forwarded.get().closeReleasing().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(router.route(HOST, "/")).as("closing the copy later takes nothing from the local one")
                .isSameAs(local);
    }

    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(web.localAddress(), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.US_ASCII);
        }
    }

    /** Refuses the first {@link #refusals} streams, then answers each request head with what it asked for. */
    private final class FarNode implements SessionListener {
        @Override
        public void onControl(TunnelSession session, ControlMessage message) {
        }

        @Override
        public StreamHandler onStreamOpened(TunnelSession session, TunnelStream stream) {
            OpenStream open = stream.open();
            offered.add(open.session());
            if (refusals.getAndDecrement() > 0) {
                return null;
            }
            return new StreamHandler() {
                private final StringBuilder head = new StringBuilder();

                @Override
                public void onData(TunnelStream stream, ByteBuf data) {
                    int bytes = data.readableBytes();
                    head.append(data.toString(StandardCharsets.US_ASCII));
                    data.release();
                    stream.consumed(bytes);
                    int end = head.indexOf("\r\n\r\n");
                    if (end >= 0) {
                        String requestLine = head.substring(0, head.indexOf("\r\n"));
                        String body = "served " + requestLine.substring(0, requestLine.lastIndexOf(' '));
                        stream.write(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: " + body.length()
                                + "\r\n\r\n" + body, StandardCharsets.US_ASCII));
                        head.setLength(0);
                    }
                }

                @Override
                public void onFinish(TunnelStream stream) {
                    stream.finish();
                }

                @Override
                public void onReset(TunnelStream stream, ErrorCode code, String reason) {
                }
            };
        }
    }
}
