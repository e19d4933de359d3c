package dev.portway.server.proxyprotocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the first bytes of a connection from an untrusted address: a PROXY header there is refused, anything else
 * passes on unchanged and the handler removes itself. Bytes that could still begin a header are held until one more
 * byte decides.
 *
 * <p>Threading: the channel's event loop. Reference counting: owns the bytes it holds until it passes them on or
 * is removed. Closing: refuses the connection through its {@link ProxyProtocolInbound.Refusal}.
 */
final class ProxyHeaderSniffer extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ProxyHeaderSniffer.class);

    private final ProxyProtocolInbound.Refusal refusal;
    private final String label;
    private ByteBuf held;
    private boolean refused;

    ProxyHeaderSniffer(ProxyProtocolInbound.Refusal refusal, String label) {
        this.refusal = refusal;
        this.label = label;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused || !(msg instanceof ByteBuf bytes)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        held = held == null ? bytes : ctx.alloc().compositeBuffer().addComponents(true, held, bytes);
        switch (ProxyHeaderSignature.of(held)) {
            case NOT_A_HEADER -> passOn(ctx);
            case HEADER -> {
                refused = true;
                release();
                log.warn("[{}] PROXY header from an address outside proxyProtocol.trustedCidrs; closing", label);
                refusal.refuse(ctx);
            }
            case INCOMPLETE -> {
                // Nobody downstream has seen a byte yet, so nobody else will ask for the next one.
                if (!ctx.channel().config().isAutoRead()) {
                    ctx.read();
                }
            }
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && held != null && !refused) {
            // Too short to be a header and no more is coming: it is data.
            passOn(ctx);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    private void passOn(ChannelHandlerContext ctx) {
        ByteBuf bytes = held;
        held = null;
        ctx.fireChannelRead(bytes);
        ctx.pipeline().remove(this);
    }

    private void release() {
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
