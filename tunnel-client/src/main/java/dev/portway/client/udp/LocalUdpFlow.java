package dev.portway.client.udp;

import dev.portway.monitor.TunnelMetrics;
import dev.portway.monitor.TunnelTraffic;
import dev.portway.monitor.UdpDrop;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.transport.UdpSocketBuffers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One UDP flow's local socket: connected to the tunnel's local target, so the service's replies on it belong to
 * this flow's public peer alone. Datagrams from the server that arrive while the socket is still connecting wait in
 * a short queue; beyond it they are dropped, as everywhere else on the datagram path.
 *
 * <p>Threading: the session's event loop, where the socket is registered too. Reference counting: owns queued
 * datagrams; copies each reply into a buffer of its own size before it goes into a DATAGRAM frame. Closing:
 * {@link #close} when the server ends the flow or the session closes.
 */
final class LocalUdpFlow extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(LocalUdpFlow.class);
    static final int MAX_PENDING = 16;

    private final int id;
    private final TunnelSession session;
    private final TunnelMetrics metrics;
    private final TunnelTraffic traffic;
    private final String label;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private Channel socket;
    private boolean connected;
    private boolean closed;

    LocalUdpFlow(int id, TunnelSession session, TunnelMetrics metrics, TunnelTraffic traffic, String label) {
        this.id = id;
        this.session = session;
        this.metrics = metrics;
        this.traffic = traffic;
        this.label = label;
    }

    void connecting(Channel socket) {
        this.socket = socket;
    }

    /** The local socket is connected; queued datagrams go out now. */
    void connected() {
        if (closed) {
            return;
        }
        connected = true;
        UdpSocketBuffers.DEFAULTS.logWhenCapped(socket);
        int localPort = ((InetSocketAddress) socket.localAddress()).getPort();
        metrics.udpSocketOpened(localPort);
        socket.closeFuture().addListener(gone -> metrics.udpSocketClosed(localPort));
        ByteBuf data;
        while ((data = pending.poll()) != null) {
            write(data);
        }
    }

    void connectFailed(Throwable cause) {
        log.warn("[{}] cannot open a local UDP socket: {}", label, cause.toString());
        close();
    }

    /** A datagram from the public peer, towards the local service. */
    void toLocal(ByteBuf data) {
        if (closed) {
            // The local socket could not be opened, or the flow ended: there is no flow to carry it.
            data.release();
            metrics.udpDatagramDropped(UdpDrop.NO_FLOW);
        } else if (connected) {
            write(data);
        } else if (pending.size() < MAX_PENDING) {
            pending.add(data);
        } else {
            drop(data);
        }
    }

    private void write(ByteBuf data) {
        if (!socket.isWritable()) {
            drop(data);
            return;
        }
        traffic.bytesIn(data.readableBytes());
        socket.writeAndFlush(data, socket.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof DatagramPacket packet && !closed) {
                ByteBuf content = packet.content();
                // The receive buffer fits the largest datagram; a small reply gets a buffer of its own size.
                int bytes = content.readableBytes();
                ByteBuf copy = ctx.alloc().buffer(bytes).writeBytes(content);
                if (session.sendDatagram(id, copy)) {
                    traffic.bytesOut(bytes);
                } else {
                    metrics.udpDatagramDropped(UdpDrop.CONGESTED);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A local service that is not listening answers with ICMP port unreachable; the flow stays.
        log.debug("[{}] local UDP socket error: {}", label, cause.toString());
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        ByteBuf data;
        while ((data = pending.poll()) != null) {
            data.release();
        }
        if (socket != null) {
            socket.close();
        }
    }

    private void drop(ByteBuf data) {
        data.release();
        metrics.udpDatagramDropped(UdpDrop.CONGESTED);
    }
}
