package dev.portway.server.udp;

import dev.portway.monitor.TunnelMetrics;
import dev.portway.monitor.UdpDrop;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.access.PeerFilter;
import dev.portway.server.auth.Principal;
import dev.portway.server.config.UdpConfig;
import dev.portway.server.limits.UserCeiling;
import dev.portway.server.tcp.PortAllocator;
import dev.portway.server.tcp.TunnelCounters;
import dev.portway.server.tunnel.PublicPort;
import dev.portway.server.tunnel.PublicTunnel;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * One public UDP port of one udp tunnel, and the handler of its socket. Every datagram goes to the owning client
 * session's {@link UdpFlows}, which keys it by its sender; replies come back through {@link #toPeer}. On take-over
 * the port stays bound and new datagrams go to the new session, whose flows start afresh.
 *
 * <p>Threading: the socket's event loop for reads; {@link #toPeer} from the session's loop; the owner is volatile.
 * Reference counting: a datagram's bytes pass to {@link UdpFlows}, copied into a buffer of their own size first.
 * Closing: {@link #close} closes the socket and ends the tunnel's flows.
 */
public final class UdpTunnel extends ChannelInboundHandlerAdapter implements PublicTunnel {
    private static final Logger log = LoggerFactory.getLogger(UdpTunnel.class);

    private final String name;
    private final PublicPort port;
    private final UdpConfig config;
    private final TunnelMetrics metrics;
    private final TunnelCounters counters;
    private final PeerFilter filter;
    private final UserCeiling flows;
    private volatile TunnelSession owner;

    /** @param flows {@code limits.udpFlowsPerUser}, which each public peer's flow counts against */
    UdpTunnel(String name, int port, PortAllocator ports, TunnelSession owner, UdpConfig config, TunnelMetrics metrics,
              TunnelCounters counters, UserCeiling flows, PeerFilter filter) {
        this.filter = filter;
        this.name = name;
        this.port = new PublicPort(port, ports);
        this.owner = owner;
        this.config = config;
        this.metrics = metrics;
        this.counters = counters;
        this.flows = flows;
    }

    void bound(Channel socket) {
        port.bound(socket);
        config.socketBuffers().logWhenCapped(socket);
        int localPort = ((InetSocketAddress) socket.localAddress()).getPort();
        metrics.udpSocketOpened(localPort);
        socket.closeFuture().addListener(closed -> metrics.udpSocketClosed(localPort));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TunnelType type() {
        return TunnelType.UDP;
    }

    @Override
    public int port() {
        return port.port();
    }

    @Override
    public String publicAddress(String publicHost) {
        return port.address(publicHost);
    }

    @Override
    public void owner(TunnelSession owner) {
        this.owner = owner;
    }

    @Override
    public long storedId() {
        return counters.storedId();
    }

    @Override
    public void storedId(long storedId) {
        counters.storedId(storedId);
    }

    /** The user whose tunnel this is. */
    Principal user() {
        return counters.owner();
    }

    /** A new public peer's flow reached the client: counted as a connection. */
    void flowOpened() {
        counters.connectionOpened();
    }

    /** A datagram of {@code bytes} from a public peer went to the client; dropped ones are not counted. */
    void carried(int bytes) {
        counters.bytesIn(bytes);
    }

    @Override
    public boolean satisfies(TunnelSpec spec) {
        return spec.type() == TunnelType.UDP && port.serves(spec.remotePort());
    }

    @Override
    public void close() {
        port.close();
        TunnelSession session = owner;
        if (session != null) {
            UdpFlows.closeTunnel(session, this);
        }
    }

    /** A datagram tunnel has no connections of its own; its flows end with it. */
    @Override
    public void closeWithConnections() {
        close();
    }

    // ---- the public socket ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            ByteBuf content = packet.content();
            // The receive buffer is one byte larger than the limit, so a longer datagram shows as truncated here.
            if (content.readableBytes() > config.maxDatagram()) {
                metrics.udpDatagramDropped(UdpDrop.OVERSIZE);
                log.debug("[tunnel={}] dropped a datagram of more than {} bytes from {}", name, config.maxDatagram(),
                        packet.sender());
                return;
            }
            if (!filter.permits(packet.sender())) {
                metrics.udpDatagramDropped(UdpDrop.IP_DENIED);
                return;
            }
            TunnelSession session = owner;
            if (session == null || !session.channel().isActive()) {
                metrics.udpDatagramDropped(UdpDrop.NO_FLOW);
                return;
            }
            // The receive buffer is sized for the largest datagram; holding it for a small one while it waits for
            // the carrier would let a flood of tiny datagrams take far more memory than the carrier's limits count.
            ByteBuf copy = ctx.alloc().buffer(content.readableBytes()).writeBytes(content);
            UdpFlows.of(session, config, metrics, flows).fromPublic(this, packet.sender(), copy);
        } finally {
            packet.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // An ICMP port-unreachable from a peer that went away surfaces here; the socket itself is fine.
        log.debug("[tunnel={}] public socket error: {}", name, cause.toString());
    }

    /** Sends a reply to {@code peer}, or drops it when the socket's send buffer is full. Any thread. */
    void toPeer(InetSocketAddress peer, ByteBuf payload) {
        Channel channel = port.socket();
        if (channel == null || !channel.isActive() || !channel.isWritable()) {
            payload.release();
            metrics.udpDatagramDropped(UdpDrop.CONGESTED);
            return;
        }
        counters.bytesOut(payload.readableBytes());
        channel.writeAndFlush(new DatagramPacket(payload, peer), channel.voidPromise());
    }
}
