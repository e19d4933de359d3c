package dev.portway.client.connect;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Holds the end of a {@code wss://} connection's pipeline until the WebSocket upgrade is answered, then gives way to
 * the session's handlers. Until then a failure (the TLS handshake, a proxy's refusal, an upgrade answered with
 * anything but 101, no answer in time) closes the connection and is reported once.
 *
 * <p>Threading: one instance per connection, on its event loop.
 */
final class PendingUpgrade extends ChannelInboundHandlerAdapter {
    static final String NAME = "websocket-pending";

    private final Consumer<ChannelPipeline> installSession;
    private final Consumer<Throwable> failedEarly;
    private Throwable failure;

    PendingUpgrade(Consumer<ChannelPipeline> installSession, Consumer<Throwable> failedEarly) {
        this.installSession = installSession;
        this.failedEarly = failedEarly;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            ChannelPipeline pipeline = ctx.pipeline();
            pipeline.remove(this);
            installSession.accept(pipeline);
        } else if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess() && failure == null) {
            // A TLS handshake that times out (or fails in some engines) says so only here, not as an exception.
            failure = tls.cause();
        } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            failure = new TimeoutException("the WebSocket upgrade was not answered in time");
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        failedEarly.accept(failure);
        ctx.fireChannelInactive();
    }
}
