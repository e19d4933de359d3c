package dev.portway.client.udp;

import dev.portway.monitor.TunnelMetrics;
import dev.portway.monitor.TunnelTraffic;
import dev.portway.monitor.UdpDrop;
import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.ProtocolException;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.FlowClose;
import dev.portway.protocol.control.FlowOpen;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.transport.Transport;
import dev.portway.protocol.transport.UdpSocketBuffers;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's side of one session's UDP flows: FLOW_OPEN opens a local socket per flow, DATAGRAM frames go out on
 * it, its replies come back as DATAGRAM frames of the same flow, FLOW_CLOSE and the session's end close it. The
 * server decides when a flow is idle; the client keeps no timer of its own.
 *
 * <p>Threading: the session's event loop only (control messages and datagrams arrive there, and the local sockets
 * are registered there). Reference counting: takes ownership of every datagram handed in.
 */
public final class LocalUdpFlows {
    private static final Logger log = LoggerFactory.getLogger(LocalUdpFlows.class);
    /** The largest UDP payload over IPv4; the local service may answer with any size up to it. */
    private static final int MAX_DATAGRAM = 65_507;
    /**
     * Local sockets one session may hold: each flow is a socket (a file descriptor), and the server decides how many
     * flows it opens. Flows past this get no socket; their datagrams are dropped as {@code no_flow} until the server
     * lets them idle out.
     */
    static final int MAX_FLOWS = 4096;

    private final TunnelSession session;
    private final Transport transport;
    private final TunnelMetrics metrics;
    private final IntObjectMap<LocalUdpFlow> flows = new IntObjectHashMap<>();
    private boolean capLogged;

    public LocalUdpFlows(TunnelSession session, Transport transport, TunnelMetrics metrics) {
        this.session = session;
        this.transport = transport;
        this.metrics = metrics;
    }

    /**
     * Opens the flow's local socket towards {@code target}, which the caller took from its own tunnel configuration.
     *
     * @param traffic the tunnel's byte counters: datagram payloads delivered each way, as the server counts them
     * @throws ProtocolException when the id is already live: the server broke the protocol
     */
    public void open(FlowOpen open, HostPort target, TunnelTraffic traffic) {
        if (flows.containsKey(open.flow())) {
            throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR, "FLOW_OPEN for live flow %d", open.flow());
        }
        if (flows.size() >= MAX_FLOWS) {
            if (!capLogged) {
                capLogged = true;
                log.warn("[{}] {} UDP flows open: flows beyond that get no local socket, and their datagrams are dropped",
                        session.label(), MAX_FLOWS);
            }
            return;
        }
        String label = session.label() + " tunnel=" + open.tunnel() + " flow=" + open.flow() + " peer=" + open.peer();
        LocalUdpFlow flow = new LocalUdpFlow(open.flow(), session, metrics, traffic, label);
        flows.put(open.flow(), flow);
        metrics.udpFlowOpened();
        ChannelFuture connect = UdpSocketBuffers.DEFAULTS.applyTo(new Bootstrap())
                .group(session.channel().eventLoop())
                .channel(transport.datagramChannel())
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                .handler(flow)
                .connect(target.host(), target.port());
        flow.connecting(connect.channel());
        connect.addListener(f -> {
            if (f.isSuccess()) {
                flow.connected();
            } else {
                flow.connectFailed(f.cause());
            }
        });
    }

    public void close(FlowClose close) {
        LocalUdpFlow flow = flows.remove(close.flow());
        if (flow != null) {
            flow.close();
            metrics.udpFlowClosed();
        }
    }

    /** A DATAGRAM frame; one for a flow that is not open (closed meanwhile, or declined) is dropped. */
    public void datagram(int flowId, ByteBuf payload) {
        LocalUdpFlow flow = flows.get(flowId);
        if (flow == null) {
            payload.release();
            metrics.udpDatagramDropped(UdpDrop.NO_FLOW);
        } else {
            flow.toLocal(payload);
        }
    }

    public void closeAll() {
        flows.values().forEach(flow -> {
            flow.close();
            metrics.udpFlowClosed();
        });
        flows.clear();
    }
}
