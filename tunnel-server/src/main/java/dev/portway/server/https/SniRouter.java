package dev.portway.server.https;

import dev.portway.protocol.control.HostPatterns;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The first handler of an https connection: reads the TLS ClientHello without answering it, asks the
 * {@link SniDispatcher} what the SNI host name leads to, and rewires the pipeline accordingly before it removes
 * itself, which hands the bytes it has read (the whole ClientHello, and anything after it) to what follows:
 * <ul>
 *   <li>passthrough: the tunnel's {@link dev.portway.server.tunnel.TunnelConnections#carry} stream, so the client's
 *       local service receives the TLS stream exactly as sent;</li>
 *   <li>terminate: a TLS handler named {@link #TLS} with the host's certificate, then {@link DecryptedHttp};</li>
 *   <li>an ACME TLS-ALPN-01 validation (only {@code acme-tls/1} offered): a TLS handler with the validation
 *       certificate, closed once the handshake is done;</li>
 *   <li>no SNI, no tunnel for the name, no certificate, or not TLS at all: a fatal {@code unrecognized_name} alert,
 *       then close.</li>
 * </ul>
 *
 * <p>Threading: one instance per connection, on its event loop. Reference counting: the bytes read are owned by
 * the decoder this extends and passed on, or released when the connection closes. Closing: a ClientHello not
 * complete within the timeout, a malformed one or an exception before the decision close the connection.
 */
final class SniRouter extends AbstractSniHandler<SniDecision> {
    private static final Logger log = LoggerFactory.getLogger(SniRouter.class);
    static final String NAME = "sni";
    static final String TLS = "tls";
    static final String CHALLENGE_DONE = "acme-tls-done";

    private final SniDispatcher dispatcher;
    private final DecryptedHttp http;

    /** @param helloTimeoutMillis how long the ClientHello may take to arrive */
    SniRouter(SniDispatcher dispatcher, DecryptedHttp http, long helloTimeoutMillis) {
        super(helloTimeoutMillis);
        this.dispatcher = dispatcher;
        this.http = http;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        super.channelActive(ctx);
        // Public listeners accept with auto-read off; the ClientHello has to be asked for.
        ctx.read();
    }

    /** The ALPN protocols of the hello being routed: read before the SNI name is, decided on with it. */
    private List<String> protocols = List.of();

    @Override
    protected Future<SniDecision> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) throws Exception {
        protocols = clientHello == null ? List.of() : ClientHelloAlpn.protocols(clientHello);
        return super.lookup(ctx, clientHello);
    }

    @Override
    protected Future<SniDecision> lookup(ChannelHandlerContext ctx, String hostname) {
        return ctx.executor().newSucceededFuture(dispatcher.decide(hostname, protocols));
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<SniDecision> future) {
        if (!future.isSuccess()) {
            log.debug("[https peer={}] no routing decision: {}", ctx.channel().remoteAddress(), future.cause());
            ctx.close();
            return;
        }
        SniDecision decision = future.getNow();
        if (decision instanceof SniDecision.Passthrough passthrough) {
            passthrough.tunnel().carry((SocketChannel) ctx.channel());
            ctx.pipeline().remove(this);
        } else if (decision instanceof SniDecision.Terminate terminate) {
            // The HTTP handlers go in first: the TLS handler may decrypt bytes as soon as it receives the hello.
            http.serve(ctx.channel(), HostPatterns.normalize(hostname));
            ctx.pipeline().replace(this, TLS, terminate.context().newHandler(ctx.alloc()));
        } else if (decision instanceof SniDecision.AnswerChallenge challenge) {
            ctx.pipeline().addAfter(ctx.name(), CHALLENGE_DONE, new CloseAfterHandshake());
            ctx.pipeline().replace(this, TLS, challenge.context().newHandler(ctx.alloc()));
        } else if (decision instanceof SniDecision.Refuse refuse) {
            log.debug("[https peer={}] refused: {}", ctx.channel().remoteAddress(), refuse.reason());
            ctx.writeAndFlush(TlsAlerts.fatal(ctx.alloc(), TlsAlerts.UNRECOGNIZED_NAME))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Ends a TLS-ALPN-01 validation connection: the handshake is all the CA looks at. */
    private static final class CloseAfterHandshake extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent) {
                ctx.close();
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("[https peer={}] closing before routing: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
