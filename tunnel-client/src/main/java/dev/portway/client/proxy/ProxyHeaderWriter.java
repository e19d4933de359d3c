package dev.portway.client.proxy;

import dev.portway.client.config.ProxyProtocolVersion;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.OpenStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;

/**
 * Writes a PROXY protocol header to the local service as the first bytes of a connection, naming the public peer as
 * source and the public address it reached as destination, so the service sees who really connected.
 *
 * <p>Sits before the relay: it writes the header when the connection becomes active and only then passes the event
 * on, so every relayed byte follows the header; then it removes itself. Netty's {@code HAProxyMessageEncoder} must
 * sit before it to turn the message into bytes. Threading: the local connection's event loop. Reference counting:
 * the message is released by the encoder.
 */
final class ProxyHeaderWriter extends ChannelInboundHandlerAdapter {
    private final HAProxyMessage header;

    private ProxyHeaderWriter(HAProxyMessage header) {
        this.header = header;
    }

    /**
     * The writer for one stream, or null when the stream does not say both addresses (an older server): a header
     * with made-up addresses would be worse than none.
     */
    static ProxyHeaderWriter forStream(ProxyProtocolVersion version, OpenStream open) {
        if (open.peer() == null || open.target() == null) {
            return null;
        }
        HostPort source;
        HostPort destination;
        try {
            source = HostPort.parse(open.peer());
            destination = HostPort.parse(open.target());
        } catch (IllegalArgumentException e) {
            return null;
        }
        boolean sourceV4 = NetUtil.isValidIpV4Address(source.host());
        boolean destinationV4 = NetUtil.isValidIpV4Address(destination.host());
        // Both addresses of a header are of one family; an IPv4 one among IPv6 is written IPv4-mapped.
        boolean v4 = sourceV4 && destinationV4;
        HAProxyMessage header = new HAProxyMessage(version.netty(), HAProxyCommand.PROXY,
                v4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                v4 || !sourceV4 ? source.host() : "::ffff:" + source.host(),
                v4 || !destinationV4 ? destination.host() : "::ffff:" + destination.host(),
                source.port(), destination.port());
        return new ProxyHeaderWriter(header);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(header);
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive() && header.refCnt() > 0) {
            header.release();
        }
    }
}
