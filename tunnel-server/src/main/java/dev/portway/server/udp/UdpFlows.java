package dev.portway.server.udp;

import dev.portway.monitor.TunnelMetrics;
import dev.portway.monitor.UdpDrop;
import dev.portway.protocol.control.FlowClose;
import dev.portway.protocol.control.FlowOpen;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.config.UdpConfig;
import dev.portway.server.limits.UserCeiling;
import dev.portway.server.proxyprotocol.PublicEndpoints;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The UDP flows of one client session, joining the udp tunnels' public sockets to the session's DATAGRAM frames.
 * A datagram from a new public peer opens a flow: FLOW_OPEN goes to the client first (control frames overtake
 * queued datagrams), then the datagram. A flow without a datagram either way for {@code udp.idleTimeout} is
 * removed with FLOW_CLOSE; all of them go when the session closes. Each flow holds a unit of its tunnel's user's
 * {@code limits.udpFlowsPerUser} until it is removed, whichever way; a new peer over that ceiling gets no flow, and
 * its datagrams are dropped as {@code no_flow}.
 *
 * <p>Threading: all state on the session's event loop; {@link #fromPublic} and {@link #closeTunnel} hop there.
 * Reference counting: takes ownership of every datagram handed in and releases what it drops.
 */
public final class UdpFlows {
    private static final Logger log = LoggerFactory.getLogger(UdpFlows.class);
    private static final AttributeKey<UdpFlows> KEY = AttributeKey.valueOf("portway.udpFlows");
    /** Bounds the memory a flood of spoofed source addresses can take from one session. */
    static final int MAX_FLOWS_PER_SESSION = 65_536;

    private final TunnelSession session;
    private final EventLoop loop;
    private final UdpConfig config;
    private final TunnelMetrics metrics;
    private final UserCeiling ceiling;
    private final FlowTable<UdpTunnel> flows = new FlowTable<>(MAX_FLOWS_PER_SESSION);
    private ScheduledFuture<?> sweeper;
    private boolean closed;

    private UdpFlows(TunnelSession session, UdpConfig config, TunnelMetrics metrics, UserCeiling ceiling) {
        this.session = session;
        this.loop = session.channel().eventLoop();
        this.config = config;
        this.metrics = metrics;
        this.ceiling = ceiling;
    }

    /**
     * The session's flows, created on first use. Any thread.
     *
     * @param ceiling {@code limits.udpFlowsPerUser}, the same for every session
     */
    static UdpFlows of(TunnelSession session, UdpConfig config, TunnelMetrics metrics, UserCeiling ceiling) {
        Attribute<UdpFlows> attribute = session.channel().attr(KEY);
        UdpFlows flows = attribute.get();
        if (flows == null) {
            UdpFlows created = new UdpFlows(session, config, metrics, ceiling);
            flows = attribute.setIfAbsent(created);
            if (flows == null) {
                flows = created;
                created.loop.execute(created::start);
            }
        }
        return flows;
    }

    /** Hands a DATAGRAM frame from the client to its flow's public peer; drops it for a flow that has ended. */
    public static void fromClient(TunnelSession session, int flowId, ByteBuf payload) {
        UdpFlows flows = session.channel().attr(KEY).get();
        if (flows == null) {
            payload.release();
        } else {
            flows.fromClient(flowId, payload);
        }
    }

    private void start() {
        long period = Math.max(config.idleTimeout().toNanos() / 4, TimeUnit.MILLISECONDS.toNanos(10));
        sweeper = loop.scheduleAtFixedRate(this::expireIdle, period, period, TimeUnit.NANOSECONDS);
        session.closeFuture().addListener(f -> loop.execute(this::closeAll));
    }

    void fromPublic(UdpTunnel tunnel, InetSocketAddress peer, ByteBuf payload) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> fromPublic(tunnel, peer, payload));
            return;
        }
        if (closed) {
            drop(payload, UdpDrop.NO_FLOW);
            return;
        }
        long now = System.nanoTime();
        FlowTable.Flow<UdpTunnel> flow = flows.find(tunnel, peer);
        if (flow == null) {
            UserCeiling.Ticket held = ceiling.tryAcquire(tunnel.user());
            if (held == null) {
                ceiling.logRefused(session.label() + " tunnel=" + tunnel.name() + " peer=" + peer, tunnel.user());
                drop(payload, UdpDrop.NO_FLOW);
                return;
            }
            flow = flows.open(tunnel, peer, now);
            if (flow == null) {
                held.release();
                drop(payload, UdpDrop.NO_FLOW);
                return;
            }
            flow.ceiling = held;
            metrics.udpFlowOpened();
            tunnel.flowOpened();
            session.send(new FlowOpen(flow.id, tunnel.name(), PublicEndpoints.format(peer)));
            log.debug("[{} tunnel={} flow={}] opened for {}", session.label(), tunnel.name(), flow.id, peer);
        }
        flow.lastActiveNanos = now;
        int bytes = payload.readableBytes();
        if (session.sendDatagram(flow.id, payload)) {
            tunnel.carried(bytes);
        } else {
            metrics.udpDatagramDropped(UdpDrop.CONGESTED);
        }
    }

    private void fromClient(int flowId, ByteBuf payload) {
        FlowTable.Flow<UdpTunnel> flow = flows.get(flowId);
        if (flow == null) {
            // In flight when the flow was closed here; the client learns of the close from FLOW_CLOSE.
            drop(payload, UdpDrop.NO_FLOW);
            return;
        }
        if (payload.readableBytes() > config.maxDatagram()) {
            drop(payload, UdpDrop.OVERSIZE);
            return;
        }
        flow.lastActiveNanos = System.nanoTime();
        flow.tunnel.toPeer(flow.peer, payload);
    }

    /** Ends {@code tunnel}'s flows on {@code session}, if it ever had any. */
    static void closeTunnel(TunnelSession session, UdpTunnel tunnel) {
        UdpFlows flows = session.channel().attr(KEY).get();
        if (flows != null) {
            flows.loop.execute(() -> flows.closed(flows.flows.removeTunnel(tunnel), "tunnel closed"));
        }
    }

    private void expireIdle() {
        closed(flows.expire(System.nanoTime(), config.idleTimeout().toNanos()), "idle");
    }

    private void closed(List<FlowTable.Flow<UdpTunnel>> gone, String why) {
        for (FlowTable.Flow<UdpTunnel> flow : gone) {
            flow.ceiling.release();
            metrics.udpFlowClosed();
            session.send(new FlowClose(flow.id));
            log.debug("[{} tunnel={} flow={}] closed: {}", session.label(), flow.tunnel.name(), flow.id, why);
        }
    }

    private void closeAll() {
        closed = true;
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        flows.clear().forEach(flow -> {
            flow.ceiling.release();
            metrics.udpFlowClosed();
        });
    }

    private void drop(ByteBuf payload, UdpDrop reason) {
        payload.release();
        metrics.udpDatagramDropped(reason);
    }
}
