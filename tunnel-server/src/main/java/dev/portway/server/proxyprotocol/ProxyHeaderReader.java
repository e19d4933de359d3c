package dev.portway.server.proxyprotocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

/**
 * Takes the {@link HAProxyMessage} that Netty's decoder (just before it) read from a trusted peer, records the
 * addresses it names and removes itself; the bytes after the header flow on untouched.
 *
 * <p>Threading: the channel's event loop. Reference counting: releases the message. Closing: refuses the connection
 * when the decoder fails (no header, or a malformed one) or no header came within the timeout; the promise fails
 * then, and when the connection closes before its header.
 */
final class ProxyHeaderReader extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ProxyHeaderReader.class);

    private final Promise<PublicEndpoints> resolved;
    private final ProxyProtocolInbound.Refusal refusal;
    private final String label;
    private ScheduledFuture<?> timeout;

    ProxyHeaderReader(Promise<PublicEndpoints> resolved, ProxyProtocolInbound.Refusal refusal, String label) {
        this.resolved = resolved;
        this.refusal = refusal;
        this.label = label;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long millis = ProxyProtocolInbound.HEADER_TIMEOUT.toMillis();
        timeout = ctx.executor().schedule(() -> refuse(ctx, "no PROXY header within " + millis + " ms"),
                millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timeout.cancel(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            // The decoder passes nothing else on before its header; anything here is a bug, not input.
            ReferenceCountUtil.release(msg);
            refuse(ctx, "unexpected input before the PROXY header");
            return;
        }
        try {
            PublicEndpoints endpoints = endpoints(header, ProxyProtocolInbound.endpoints(ctx.channel()));
            ProxyProtocolInbound.endpoints(ctx.channel(), endpoints);
            ctx.pipeline().remove(this);
            resolved.trySuccess(endpoints);
        } finally {
            header.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // The decoder asks for more itself only after a read that gave it bytes; the header may need several.
        if (!resolved.isDone() && !ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (resolved.isDone()) {
            ctx.fireExceptionCaught(cause);
        } else {
            refuse(ctx, "bad PROXY header: " + cause.getMessage());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        resolved.tryFailure(new IllegalStateException("connection closed before its PROXY header"));
        ctx.fireChannelInactive();
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        if (resolved.tryFailure(new IllegalStateException(reason))) {
            log.warn("[{}] trusted proxy connection refused: {}", label, reason);
            refusal.refuse(ctx);
        }
    }

    /**
     * A LOCAL header (the proxy's own health check) or one for an address family it cannot name speaks for the
     * connection itself.
     */
    static PublicEndpoints endpoints(HAProxyMessage header, PublicEndpoints socket) {
        HAProxyProxiedProtocol protocol = header.proxiedProtocol();
        boolean inet = protocol.addressFamily() == HAProxyProxiedProtocol.AddressFamily.AF_IPv4
                || protocol.addressFamily() == HAProxyProxiedProtocol.AddressFamily.AF_IPv6;
        if (header.command() != HAProxyCommand.PROXY || !inet) {
            return socket;
        }
        return new PublicEndpoints(address(header.sourceAddress(), header.sourcePort()),
                address(header.destinationAddress(), header.destinationPort()));
    }

    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(NetUtil.createByteArrayFromIpAddressString(ip)), port);
        } catch (UnknownHostException e) {
            // The decoder has validated the address already.
            throw new IllegalStateException(e);
        }
    }
}
