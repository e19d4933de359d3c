package dev.portway.server.https;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The public https port: every accepted connection starts with a {@link SniRouter}, which routes it by the SNI host
 * name of its ClientHello to a passthrough tunnel or to TLS termination.
 *
 * <p>Threading: {@link #bind} and {@link #close} from any thread; connections are set up on their event loops.
 */
public final class HttpsListener extends ChannelInitializer<SocketChannel> {
    private static final Logger log = LoggerFactory.getLogger(HttpsListener.class);

    private final SniDispatcher dispatcher;
    private final DecryptedHttp http;
    private final long helloTimeoutMillis;
    private Channel serverChannel;

    /** @param helloTimeout how long a connection may take to send its ClientHello */
    public HttpsListener(HttpsRoutes routes, CertificateSource certificates, DecryptedHttp http,
                         Duration helloTimeout) {
        this.dispatcher = new SniDispatcher(routes, certificates);
        this.http = http;
        this.helloTimeoutMillis = helloTimeout.toMillis();
    }

    /**
     * Binds {@code host:port}, waiting for the result: a port the server cannot have fails its start.
     *
     * @param template a bootstrap with groups, channel type and child options (auto-read off) set; it is cloned
     */
    public InetSocketAddress bind(ServerBootstrap template, String host, int port)
            throws IOException, InterruptedException {
        var bound = template.clone().childHandler(this).bind(host, port).await();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen for https on " + host + ":" + port + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        serverChannel = bound.channel();
        InetSocketAddress address = (InetSocketAddress) serverChannel.localAddress();
        log.info("https listener bound address={}", address);
        return address;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(SniRouter.NAME, new SniRouter(dispatcher, http, helloTimeoutMillis));
    }

    /** Stops accepting; connections already open run on. */
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }
}
