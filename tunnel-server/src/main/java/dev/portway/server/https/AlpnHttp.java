package dev.portway.server.https;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a terminated https connection with the HTTP version its client chose by ALPN: {@code h2} or HTTP/1.1, which
 * is also what a client that offered nothing gets. The choice is known only once the handshake is done, so the
 * handler waits for it in the TLS handler's place, holding any bytes decrypted meanwhile, and leaves once it has
 * installed the protocol's handlers.
 *
 * <p>Threading: one handler per connection, on its event loop. Reference counting: held bytes go on to the handlers
 * installed, or are released with the connection. Closing: a failed handshake closes the connection.
 */
public final class AlpnHttp extends ApplicationProtocolNegotiationHandler {
    private static final Logger log = LoggerFactory.getLogger(AlpnHttp.class);
    static final String NAME = "alpn";

    private final DecryptedHttp http1;
    private final DecryptedHttp http2;
    private final String sniHost;

    private AlpnHttp(DecryptedHttp http1, DecryptedHttp http2, String sniHost) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.http1 = http1;
        this.http2 = http2;
        this.sniHost = sniHost;
    }

    /** What the https listener does with a decrypted connection: {@code http1} or {@code http2}, by ALPN. */
    public static DecryptedHttp choosing(DecryptedHttp http1, DecryptedHttp http2) {
        return (channel, sniHost) -> channel.pipeline().addLast(NAME, new AlpnHttp(http1, http2, sniHost));
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        Channel channel = ctx.channel();
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            http2.serve(channel, sniHost);
        } else {
            http1.serve(channel, sniHost);
        }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("[https peer={}] TLS handshake failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("[https peer={}] closing before the protocol was chosen: {}", ctx.channel().remoteAddress(),
                cause.toString());
        ctx.close();
    }
}
