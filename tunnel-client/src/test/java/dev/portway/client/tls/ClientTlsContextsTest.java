package dev.portway.client.tls;

import dev.portway.client.config.ClientTlsConfig;
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
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.OpenSsl;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real TLS handshakes on loopback between a plain Netty server and the client's {@link ClientTls}. */
@Timeout(30)
class ClientTlsContextsTest {
    private static EventLoopGroup group;

    @TempDir
    Path dir;

    @BeforeAll
    static void startLoop() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Failed handshakes are the expected outcome of half these tests; the future carries the cause. */
    private static final ChannelHandler QUIET = new Quiet();

    @ChannelHandler.Sharable
    private static final class Quiet extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The handshake's outcome as the client sees it. */
    private record Outcome(boolean success, Throwable cause, String protocol) {
    }

    private static Outcome handshake(TestPki.Issued serverCert, ClientTls clientTls, String dialHost) throws Exception {
        SslContext serverContext = SslContextBuilder.forServer(serverCert.key(), serverCert.cert())
                .protocols("TLSv1.3")
                .build();
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(serverContext.newHandler(ch.alloc()), QUIET);
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        SslHandler[] handler = new SslHandler[1];
        try {
            Channel client = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            SslHandler ssl = clientTls.newHandler(ch.alloc(), dialHost, port);
                            handler[0] = ssl;
                            ch.pipeline().addLast(ssl, QUIET);
                        }
                    })
                    .connect("127.0.0.1", port).sync().channel();
            try {
                SslHandler ssl = handler[0];
                Future<Channel> done = ssl.handshakeFuture().await();
                return new Outcome(done.isSuccess(), done.cause(),
                        done.isSuccess() ? ssl.engine().getSession().getProtocol() : null);
            } finally {
                client.close().sync();
            }
        } finally {
            server.close().sync();
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void pinnedFingerprintThatMatchesHandshakes(SslProvider provider) throws Exception {
        assumeTrue(provider == SslProvider.JDK || OpenSsl.isAvailable());
        TestPki.Issued cert = TestPki.leaf(null);
        ClientTls tls = ClientTlsContexts.create(ClientTlsConfig.pinned(cert.fingerprint()), provider);
        Outcome outcome = handshake(cert, tls, "127.0.0.1");
        assertThat(outcome.success()).as("handshake: %s", outcome.cause()).isTrue();
        assertThat(outcome.protocol()).isEqualTo("TLSv1.3");
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void pinnedFingerprintOfAnotherCertificateFails(SslProvider provider) throws Exception {
        assumeTrue(provider == SslProvider.JDK || OpenSsl.isAvailable());
        TestPki.Issued served = TestPki.leaf(null);
        TestPki.Issued other = TestPki.leaf(null);
        ClientTls tls = ClientTlsContexts.create(ClientTlsConfig.pinned(other.fingerprint()), provider);
        Outcome outcome = handshake(served, tls, "127.0.0.1");
        assertThat(outcome.success()).isFalse();
        // The user compares what the server printed at start with what it presents now.
        String presented = served.fingerprint();
        String pinned = other.fingerprint();
        assertThat(ClientTls.certificateRefusal(outcome.cause())).hasValueSatisfying(refusal -> assertThat(refusal)
                .contains("fingerprint " + presented).contains(pinned));
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void caIssuedCertificateForTheDialedHostHandshakes(SslProvider provider) throws Exception {
        assumeTrue(provider == SslProvider.JDK || OpenSsl.isAvailable());
        TestPki.Issued ca = TestPki.ca("Test CA");
        TestPki.Issued leaf = TestPki.leaf(ca);
        Path caFile = TestPki.writePem(dir.resolve("ca.pem"), ca.cert());
        ClientTls byIp = ClientTlsContexts.create(ClientTlsConfig.trustCa(caFile), provider);
        assertThat(handshake(leaf, byIp, "127.0.0.1").success()).isTrue();
        ClientTls byName = ClientTlsContexts.create(ClientTlsConfig.trustCa(caFile).withServerName("localhost"),
                provider);
        assertThat(handshake(leaf, byName, "127.0.0.1").success()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void caIssuedCertificateForAnotherHostFails(SslProvider provider) throws Exception {
        assumeTrue(provider == SslProvider.JDK || OpenSsl.isAvailable());
        TestPki.Issued ca = TestPki.ca("Test CA");
        TestPki.Issued leaf = TestPki.leaf(ca);
        Path caFile = TestPki.writePem(dir.resolve("ca.pem"), ca.cert());
        ClientTls tls = ClientTlsContexts.create(
                ClientTlsConfig.trustCa(caFile).withServerName("tunnel.example.com"), provider);
        Outcome outcome = handshake(leaf, tls, "127.0.0.1");
        assertThat(outcome.success()).isFalse();
        assertThat(ClientTls.certificateRefusal(outcome.cause())).isPresent();
    }

    @Test
    void certificateFromAnUntrustedCaFails() throws Exception {
        TestPki.Issued trusted = TestPki.ca("Trusted CA");
        TestPki.Issued rogue = TestPki.ca("Rogue CA");
        Path caFile = TestPki.writePem(dir.resolve("ca.pem"), trusted.cert());
        ClientTls tls = ClientTlsContexts.create(ClientTlsConfig.trustCa(caFile));
        assertThat(handshake(TestPki.leaf(rogue), tls, "127.0.0.1").success()).isFalse();
    }

    @Test
    void insecureAcceptsAnyCertificate() throws Exception {
        ClientTls tls = ClientTlsContexts.create(ClientTlsConfig.insecureNoVerification());
        Outcome outcome = handshake(TestPki.leaf(null), tls, "127.0.0.1");
        assertThat(outcome.success()).isTrue();
        assertThat(outcome.protocol()).isEqualTo("TLSv1.3");
    }
}
