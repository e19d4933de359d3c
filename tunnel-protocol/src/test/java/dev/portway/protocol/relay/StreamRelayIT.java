package dev.portway.protocol.relay;

import dev.portway.protocol.control.ControlMessage;
import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.mux.SessionListener;
import dev.portway.protocol.mux.SessionSettings;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
import dev.portway.testkit.MuxLoopback;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A public TCP connection carried through a tunnel to a local service, with a {@link StreamRelay} at each end:
 * the shape of a TCP tunnel. The public client half-closes after its request, as HTTP/1.0 clients and
 * {@code nc -N} do; the answer must still come back, followed by a clean end of stream.
 */
class StreamRelayIT {

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void requestThenHalfCloseStillGetsTheWholeAnswer() throws Exception {
        EventLoopGroup edge = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (ServerSocket local = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> service = CompletableFuture.runAsync(() -> echoAfterEndOfInput(local));
            InetSocketAddress localAddress = new InetSocketAddress(local.getInetAddress(), local.getLocalPort());
            SessionSettings settings = SessionSettings.defaults("it");
            try (MuxLoopback loopback = MuxLoopback.listen(settings, new NoStreams())) {
                loopback.connect(loopback.address(), settings, new LocalDialer(edge, localAddress));
                TunnelSession server = loopback.serverSession();
                Channel publicListener = publicListener(edge, server);
                InetSocketAddress publicAddress = (InetSocketAddress) publicListener.localAddress();

                byte[] request = new byte[1 << 20];
                new Random(3).nextBytes(request);
                try (Socket user = new Socket(publicAddress.getAddress(), publicAddress.getPort())) {
                    user.setSoTimeout(10_000);
                    user.getOutputStream().write(request);
                    user.shutdownOutput();
                    byte[] answer = user.getInputStream().readAllBytes();
                    assertThat(answer).hasSameSizeAs(request);
                    assertThat(Arrays.mismatch(answer, request)).as("first differing byte").isEqualTo(-1);
                }
                service.get(10, TimeUnit.SECONDS);
                publicListener.close().sync();
            }
        } finally {
            edge.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static Channel publicListener(EventLoopGroup group, TunnelSession server) throws InterruptedException {
        return new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        StreamRelay relay = new StreamRelay(ch.eventLoop(), "public");
                        ch.pipeline().addLast(relay);
                        server.openStream(new OpenStream("echo", ch.remoteAddress().toString()), relay)
                                .addListener(f -> {
                                    if (f.isSuccess()) {
                                        relay.attachStream((TunnelStream) f.getNow());
                                    } else {
                                        ch.close();
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** Reads the whole request up to the client's half-close, then sends it back and closes. */
    private static void echoAfterEndOfInput(ServerSocket server) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            in.transferTo(request);
            socket.getOutputStream().write(request.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The client's side: each stream the server opens is dialled to the local service. */
    private record LocalDialer(EventLoopGroup group, InetSocketAddress target) implements SessionListener {
        @Override
        public void onControl(TunnelSession session, ControlMessage message) {
        }

        @Override
        public StreamHandler onStreamOpened(TunnelSession session, TunnelStream stream) {
            StreamRelay relay = new StreamRelay(group.next(), "local");
            new Bootstrap().group(group).channel(NioSocketChannel.class).handler(relay).connect(target);
            relay.attachStream(stream);
            return relay;
        }
    }

    private static final class NoStreams implements SessionListener {
        @Override
        public void onControl(TunnelSession session, ControlMessage message) {
        }

        @Override
        public StreamHandler onStreamOpened(TunnelSession session, TunnelStream stream) {
            return null;
        }
    }
}
