package dev.portway.server.https;

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

    /** @param helloTimeout how long a connection may take to send its ClientHello */
    public HttpsListener(HttpsRoutes routes, CertificateSource certificates, DecryptedHttp http,
                         Duration helloTimeout) {
        this.dispatcher = new SniDispatcher(routes, certificates);
        this.http = http;
        this.helloTimeoutMillis = helloTimeout.toMillis();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(SniRouter.NAME, new SniRouter(dispatcher, http, helloTimeoutMillis));
    }
}
