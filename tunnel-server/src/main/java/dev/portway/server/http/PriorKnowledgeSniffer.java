package dev.portway.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The first handler of a plain HTTP connection when the port also takes HTTP/2 with prior knowledge (h2c): reads
 * until the first bytes either are the HTTP/2 connection preface or cannot be, tells {@code choice} which (true:
 * HTTP/2), which adds that protocol's handlers, and removes itself, handing them every byte it read. An HTTP/1.x
 * request differs from the preface by its fourth byte at the latest ({@code PRI } is no method a proxy passes on).
 *
 * <p>Threading: one instance per connection, on its event loop. Reference counting: the bytes read are the
 * decoder's, passed on when it leaves, or released when the connection closes. Closing: a connection that sends
 * nothing to tell within the idle timeout is closed.
 */
final class PriorKnowledgeSniffer extends ByteToMessageDecoder {
    static final String NAME = "h2c-sniffer";
    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final Consumer<Boolean> choice;
    private final long timeoutNanos;
    private ScheduledFuture<?> timeout;

    /** @param idleTimeout how long the connection may take to send enough to tell */
    PriorKnowledgeSniffer(Duration idleTimeout, Consumer<Boolean> choice) {
        this.choice = choice;
        this.timeoutNanos = idleTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> ctx.close(), timeoutNanos, TimeUnit.NANOSECONDS);
        if (ctx.channel().isActive()) {
            // The plain port accepts with auto-read off; the first bytes have to be asked for.
            ctx.read();
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int length = Math.min(in.readableBytes(), PREFACE.readableBytes());
        boolean matches = ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), length);
        if (matches && length < PREFACE.readableBytes()) {
            return;
        }
        timeout.cancel(false);
        choice.accept(matches);
        ctx.pipeline().remove(this);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        super.channelReadComplete(ctx);
        if (ctx.pipeline().context(this) != null) {
            ctx.read();
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        timeout.cancel(false);
    }
}
