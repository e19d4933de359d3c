package dev.portway.server.https;

import dev.portway.server.proxyprotocol.ProxyProtocolInbound;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

import java.time.Duration;

/**
 * Sets up the connections of the public https port: each starts with a {@link SniRouter}, which routes it by the
 * SNI host name of its ClientHello to a passthrough tunnel or to TLS termination. Bound through
 * {@link dev.portway.server.http.HttpListener}, like the plain HTTP port.
 *
 * <p>Threading: shared by every connection of the port; immutable.
 */
public final class HttpsListener extends ChannelInitializer<SocketChannel> {
    private final SniDispatcher dispatcher;
    private final DecryptedHttp http;
    private final long helloTimeoutMillis;
    private final ProxyProtocolInbound proxyProtocol;

    /**
     * @param helloTimeout  how long a connection may take to send its ClientHello
     * @param challenges    ACME TLS-ALPN-01 validations in progress
     * @param proxyProtocol whom to believe about a connection's real peer; its PROXY header precedes the TLS bytes
     */
    public HttpsListener(HttpsRoutes routes, CertificateSource certificates, ChallengeCertificates challenges,
                         DecryptedHttp http, Duration helloTimeout, ProxyProtocolInbound proxyProtocol) {
        this.dispatcher = new SniDispatcher(routes, certificates, challenges);
        this.http = http;
        this.helloTimeoutMillis = helloTimeout.toMillis();
        this.proxyProtocol = proxyProtocol;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        proxyProtocol.install(ch).addListener(resolved -> {
            if (resolved.isSuccess()) {
                ch.pipeline().addLast(SniRouter.NAME, new SniRouter(dispatcher, http, helloTimeoutMillis));
                if (ch.isActive()) {
                    // After a PROXY header the connection is active already: SniRouter's own first read has passed.
                    ch.read();
                }
            }
        });
    }
}
