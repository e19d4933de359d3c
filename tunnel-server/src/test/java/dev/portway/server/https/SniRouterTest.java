package dev.portway.server.https;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The SNI router on real ClientHello bytes, fed in awkward pieces. */
class SniRouterTest {
    private static final byte[] UNRECOGNIZED_NAME_ALERT = {21, 3, 1, 0, 2, 2, 112};

    private final List<String> servedHosts = new ArrayList<>();
    private EmbeddedChannel channel;

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    private EmbeddedChannel router(HttpsRoutes routes, CertificateSource certificates) {
        return router(routes, certificates, ChallengeCertificates.NONE);
    }

    private EmbeddedChannel router(HttpsRoutes routes, CertificateSource certificates,
                                   ChallengeCertificates challenges) {
        channel = new EmbeddedChannel(new SniRouter(new SniDispatcher(routes, certificates, challenges),
                (ch, host) -> servedHosts.add(host), 10_000));
        return channel;
    }

    /** The first flight a real TLS client sends for {@code sni}. */
    private static ByteBuf clientHello(String sni) throws Exception {
        return clientHello(sni, List.of());
    }

    /** The first flight a real TLS client offering the ALPN {@code protocols} sends for {@code sni}. */
    static ByteBuf clientHello(String sni, List<String> protocols) throws Exception {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(InsecureTrustManagerFactory.INSTANCE);
        if (!protocols.isEmpty()) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocols));
        }
        SslContext client = builder.build();
        EmbeddedChannel clientChannel = new EmbeddedChannel();
        SslHandler handler = client.newHandler(clientChannel.alloc(), sni, 443);
        clientChannel.pipeline().addLast(handler);
        CompositeByteBuf hello = Unpooled.compositeBuffer();
        for (ByteBuf out = clientChannel.readOutbound(); out != null; out = clientChannel.readOutbound()) {
            hello.addComponent(true, out);
        }
        clientChannel.finishAndReleaseAll();
        return hello;
    }

    /** Feeds {@code bytes} in three pieces: one byte, the rest of the record header, the remainder. */
    private static void feedSplit(EmbeddedChannel channel, ByteBuf bytes) {
        channel.writeInbound(bytes.readRetainedSlice(1));
        channel.writeInbound(bytes.readRetainedSlice(4));
        channel.writeInbound(bytes.readRetainedSlice(bytes.readableBytes()));
        bytes.release();
    }

    private static byte[] outbound(EmbeddedChannel channel) {
        ByteBuf out = channel.readOutbound();
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    @Test
    void anUnknownNameGetsAnAlertAndTheConnectionCloses() throws Exception {
        EmbeddedChannel ch = router(host -> Optional.empty(), CertificateSource.NONE);
        feedSplit(ch, clientHello("nobody.example.test"));

        assertThat(outbound(ch)).isEqualTo(UNRECOGNIZED_NAME_ALERT);
        assertThat(ch.isOpen()).isFalse();
        assertThat(servedHosts).isEmpty();
    }

    @Test
    void bytesThatAreNotTlsGetTheSameAlert() throws Exception {
        // Every host routes and has a certificate, so only the failed ClientHello parse can produce the alert.
        SelfSignedCertificate cert = new SelfSignedCertificate("app.example.test");
        SslContext context = SslContextBuilder.forServer(cert.key(), cert.cert()).build();
        EmbeddedChannel ch = router(host -> Optional.of(HttpsRoute.TERMINATE), host -> Optional.of(context));
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: app.example.test\r\n\r\n",
                StandardCharsets.US_ASCII));

        assertThat(outbound(ch)).isEqualTo(UNRECOGNIZED_NAME_ALERT);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aTerminatedHostGetsItsTlsHandlerThenTheHttpSideAndTheHelloIsAnswered() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("app.example.test");
        SslContext context = SslContextBuilder.forServer(cert.key(), cert.cert()).build();
        EmbeddedChannel ch = router(host -> Optional.of(HttpsRoute.TERMINATE),
                host -> host.equals("app.example.test") ? Optional.of(context) : Optional.empty());
        feedSplit(ch, clientHello("App.Example.Test"));

        assertThat(servedHosts).containsExactly("app.example.test");
        assertThat(ch.pipeline().get(SniRouter.TLS)).isInstanceOf(SslHandler.class);
        assertThat(ch.pipeline().get(SniRouter.NAME)).isNull();
        // The ClientHello reached the TLS handler, which answered with a handshake record (ServerHello).
        assertThat(outbound(ch)[0]).isEqualTo((byte) 22);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void aHelloOfferingOnlyAcmeTls1IsAnsweredWithTheValidationCertificateAndNeverReachesHttp() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("app.example.test");
        SslContext validation = SslContextBuilder.forServer(cert.key(), cert.cert()).build();
        EmbeddedChannel ch = router(host -> Optional.of(HttpsRoute.TERMINATE), CertificateSource.NONE,
                host -> host.equals("app.example.test") ? Optional.of(validation) : Optional.empty());
        feedSplit(ch, clientHello("app.example.test", List.of(ChallengeCertificates.ACME_TLS_1)));

        assertThat(servedHosts).isEmpty();
        assertThat(ch.pipeline().get(SniRouter.TLS)).isInstanceOf(SslHandler.class);
        assertThat(ch.pipeline().get(SniRouter.CHALLENGE_DONE)).isNotNull();
        assertThat(outbound(ch)[0]).isEqualTo((byte) 22);
    }

    @Test
    void acmeTls1WithoutAPendingValidationGetsTheAlertEvenWhereACertificateExists() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("app.example.test");
        SslContext context = SslContextBuilder.forServer(cert.key(), cert.cert()).build();
        EmbeddedChannel ch = router(host -> Optional.of(HttpsRoute.TERMINATE), host -> Optional.of(context),
                ChallengeCertificates.NONE);
        feedSplit(ch, clientHello("app.example.test", List.of(ChallengeCertificates.ACME_TLS_1)));

        assertThat(outbound(ch)).isEqualTo(UNRECOGNIZED_NAME_ALERT);
        assertThat(ch.isOpen()).isFalse();
        assertThat(servedHosts).isEmpty();
    }
}
