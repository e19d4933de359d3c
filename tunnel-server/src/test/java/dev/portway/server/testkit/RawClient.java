package dev.portway.server.testkit;

import dev.portway.protocol.control.Auth;
import dev.portway.protocol.control.AuthResult;
import dev.portway.protocol.control.ControlMessage;
import dev.portway.protocol.frame.FrameDecoder;
import dev.portway.protocol.frame.FrameEncoder;
import dev.portway.protocol.mux.Role;
import dev.portway.protocol.mux.SessionListener;
import dev.portway.protocol.mux.SessionSettings;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client that speaks the protocol message by message, for tests that send what the real client never would:
 * repeated or racing registrations, hostile names. It trusts any server certificate.
 */
public final class RawClient implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<ControlMessage> received = new LinkedBlockingQueue<>();
    private final TunnelSession session;
    private final Channel channel;

    private RawClient(InetSocketAddress server) throws Exception {
        SslContext tls = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        session = new TunnelSession(Role.CLIENT, SessionSettings.defaults("raw-test"), new SessionListener() {
            @Override
            public void onControl(TunnelSession s, ControlMessage message) {
                received.add(message);
            }

            @Override
            public StreamHandler onStreamOpened(TunnelSession s, TunnelStream stream) {
                return null;
            }
        });
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), server.getHostString(), server.getPort()),
                                new FrameDecoder(SessionSettings.DEFAULT_MAX_FRAME_PAYLOAD), new FrameEncoder(), session);
                    }
                })
                .connect(server).sync().channel();
    }

    /** Connects and authenticates as {@code clientId} with {@code token}; fails unless the server accepts. */
    public static RawClient authenticated(InetSocketAddress server, String token, String clientId) throws Exception {
        RawClient client = new RawClient(server);
        client.send(new Auth(token, clientId));
        AuthResult result = client.next(AuthResult.class, TunnelFixture.WAIT);
        if (!result.ok()) {
            client.close();
            throw new IllegalStateException("authentication refused: " + result.reason());
        }
        return client;
    }

    public void send(ControlMessage message) {
        session.send(message);
    }

    /** Stops reading and sends {@code burst} (raw frames) over and over: {@link NonReadingFlood#flood}. */
    public NonReadingFlood.Result flood(byte[] burst, long maxBytes, Duration maxTime) throws InterruptedException {
        return NonReadingFlood.flood(channel, burst, maxBytes, maxTime);
    }

    /** The next control message of {@code type}, skipping others; fails after {@code timeout}. */
    public <T extends ControlMessage> T next(Class<T> type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ControlMessage message = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (message == null) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + timeout);
            }
            if (type.isInstance(message)) {
                return type.cast(message);
            }
        }
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
