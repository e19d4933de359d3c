package dev.portway.server.tls;

import dev.portway.protocol.tls.CertificateFingerprint;
import dev.portway.client.config.ClientTlsConfig;
import dev.portway.client.tls.ClientTls;
import dev.portway.client.tls.ClientTlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** The server's control context against the client's real TLS setup, over loopback. */
@Timeout(30)
class ServerTlsContextsTest {
    private static EventLoopGroup group;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startLoop() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ChannelHandler.Sharable
    private static final class Quiet extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Completes the client side's handshake and returns its handler (closed afterwards). */
    private static Future<Channel> handshake(SslContext server, Function<SocketChannel, SslHandler> client)
            throws Exception {
        Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(server.newHandler(ch.alloc()), new Quiet());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) listener.localAddress()).getPort();
        SslHandler[] handler = new SslHandler[1];
        try {
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            SslHandler ssl = client.apply(c);
                            handler[0] = ssl;
                            c.pipeline().addLast(ssl, new Quiet());
                        }
                    })
                    .connect("127.0.0.1", port).sync().channel();
            Future<Channel> done = handler[0].handshakeFuture().await();
            ch.close().sync();
            return done;
        } finally {
            listener.close().sync();
        }
    }

    @Test
    void controlContextSpeaksOnlyTls13AndPresentsTheFingerprintedCertificate() throws Exception {
        ServerCertificate cert = ServerCertificate.loadOrGenerate(dataDir);
        SslContext server = ServerTlsContexts.forControl(cert);
        SslContext anyCert = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        SslHandler[] seen = new SslHandler[1];
        Future<Channel> done = handshake(server, c -> seen[0] = anyCert.newHandler(c.alloc(), "127.0.0.1", 0));
        assertThat(done.isSuccess()).isTrue();
        assertThat(seen[0].engine().getSession().getProtocol()).isEqualTo("TLSv1.3");
        X509Certificate peer = (X509Certificate) seen[0].engine().getSession().getPeerCertificates()[0];
        assertThat(CertificateFingerprint.of(peer)).isEqualTo(cert.fingerprint());
    }

    @Test
    void tls12ClientIsRefused() throws Exception {
        SslContext server = ServerTlsContexts.forControl(ServerCertificate.generateSelfSigned());
        SslContext tls12 = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                .protocols("TLSv1.2").build();
        assertThat(handshake(server, c -> tls12.newHandler(c.alloc(), "127.0.0.1", 0)).isSuccess()).isFalse();
    }

    @Test
    void clientPinningThePrintedFingerprintConnectsAndAnotherServerIsRejected() throws Exception {
        ServerCertificate cert = ServerCertificate.loadOrGenerate(dataDir);
        ClientTls pinned = ClientTlsContexts.create(ClientTlsConfig.pinned(cert.fingerprint()));
        SslContext server = ServerTlsContexts.forControl(cert);
        assertThat(handshake(server, c -> pinned.newHandler(c.alloc(), "127.0.0.1", 7000)).isSuccess()).isTrue();

        SslContext impostor = ServerTlsContexts.forControl(ServerCertificate.generateSelfSigned());
        assertThat(handshake(impostor, c -> pinned.newHandler(c.alloc(), "127.0.0.1", 7000)).isSuccess()).isFalse();
    }

    @Test
    void clientTrustingTheGeneratedCertificateAsCaVerifiesLocalhost() throws Exception {
        ServerCertificate cert = ServerCertificate.loadOrGenerate(dataDir);
        ClientTls ca = ClientTlsContexts.create(
                ClientTlsConfig.trustCa(dataDir.resolve("tls/server.crt")).withServerName("localhost"));
        SslContext server = ServerTlsContexts.forControl(cert);
        assertThat(handshake(server, c -> ca.newHandler(c.alloc(), "127.0.0.1", 7000)).isSuccess()).isTrue();
    }
}
