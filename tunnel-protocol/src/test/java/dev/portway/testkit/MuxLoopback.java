package dev.portway.testkit;

import dev.portway.protocol.control.ControlMessage;
import dev.portway.protocol.control.GoAway;
import dev.portway.protocol.frame.FrameDecoder;
import dev.portway.protocol.frame.FrameEncoder;
import dev.portway.protocol.mux.Role;
import dev.portway.protocol.mux.SessionListener;
import dev.portway.protocol.mux.SessionSettings;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server session listening on 127.0.0.1 (port 0) and client sessions connecting to it over real TCP, each side
 * on an event loop of its own. {@link #connect} returns once HELLO has been exchanged both ways.
 */
public final class MuxLoopback implements AutoCloseable {
    private final EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final CompletableFuture<TunnelSession> serverReady = new CompletableFuture<>();
    private final Channel listener;

    private MuxLoopback(SessionSettings settings, SessionListener serverListener) throws InterruptedException {
        SessionListener signalling = new ReadySignal(serverListener, serverReady);
        listener = new ServerBootstrap()
                .group(serverGroup)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FrameDecoder(settings.maxFramePayload()), new FrameEncoder(),
                                new TunnelSession(Role.SERVER, settings, signalling));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    public static MuxLoopback listen(SessionSettings settings, SessionListener serverListener) throws InterruptedException {
        return new MuxLoopback(settings, serverListener);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Connects a client session to {@code target} (this server, or a relay in front of it) and waits for HELLO. */
    public TunnelSession connect(InetSocketAddress target, SessionSettings settings, SessionListener clientListener)
            throws Exception {
        CompletableFuture<TunnelSession> clientReady = new CompletableFuture<>();
        SessionListener signalling = new ReadySignal(clientListener, clientReady);
        new Bootstrap()
                .group(clientGroup)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FrameDecoder(settings.maxFramePayload()), new FrameEncoder(),
                                new TunnelSession(Role.CLIENT, settings, signalling));
                    }
                })
                .connect(target).sync();
        return clientReady.get(10, TimeUnit.SECONDS);
    }

    /** The server's side of the first connection, once its HELLO exchange is done. */
    public TunnelSession serverSession() throws Exception {
        return serverReady.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Passes every callback on and completes a future when the session becomes ready. */
    private record ReadySignal(SessionListener delegate, CompletableFuture<TunnelSession> ready)
            implements SessionListener {
        @Override
        public void onReady(TunnelSession session) {
            delegate.onReady(session);
            ready.complete(session);
        }

        @Override
        public void onControl(TunnelSession session, ControlMessage message) {
            delegate.onControl(session, message);
        }

        @Override
        public StreamHandler onStreamOpened(TunnelSession session, TunnelStream stream) {
            return delegate.onStreamOpened(session, stream);
        }

        @Override
        public void onGoAway(TunnelSession session, GoAway goAway) {
            delegate.onGoAway(session, goAway);
        }

        @Override
        public void onDatagram(TunnelSession session, int flowId, ByteBuf payload) {
            delegate.onDatagram(session, flowId, payload);
        }

        @Override
        public void onClosed(TunnelSession session, Throwable cause) {
            delegate.onClosed(session, cause);
        }
    }
}
