package dev.portway.server.udp;

import dev.portway.server.limits.UserCeiling;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The UDP flows of one client session: each public peer of each udp tunnel is a flow with an id of its own, which
 * its DATAGRAM frames carry. Ids are positive and unique among live flows; they count up and wrap around.
 *
 * <p>Threading: not thread-safe; {@link UdpFlows} keeps it on the session's event loop.
 *
 * @param <T> the tunnel a flow belongs to
 */
final class FlowTable<T> {
    /** One public peer of one tunnel. */
    static final class Flow<T> {
        final int id;
        final T tunnel;
        final InetSocketAddress peer;
        long lastActiveNanos;
        /** What the flow holds of its user's {@code limits.udpFlowsPerUser}, given back when it is removed. */
        UserCeiling.Ticket ceiling;

        Flow(int id, T tunnel, InetSocketAddress peer, long nowNanos) {
            this.id = id;
            this.tunnel = tunnel;
            this.peer = peer;
            this.lastActiveNanos = nowNanos;
        }
    }

    private record Key(Object tunnel, InetSocketAddress peer) {
    }

    private final int maxFlows;
    private final Map<Key, Flow<T>> byPeer = new HashMap<>();
    private final IntObjectMap<Flow<T>> byId = new IntObjectHashMap<>();
    private int nextId = 1;

    FlowTable(int maxFlows) {
        this.maxFlows = maxFlows;
    }

    Flow<T> get(int id) {
        return byId.get(id);
    }

    Flow<T> find(T tunnel, InetSocketAddress peer) {
        return byPeer.get(new Key(tunnel, peer));
    }

    /** A new flow, or null when the table holds {@code maxFlows} already. */
    Flow<T> open(T tunnel, InetSocketAddress peer, long nowNanos) {
        if (byId.size() >= maxFlows) {
            return null;
        }
        while (byId.containsKey(nextId)) {
            advance();
        }
        Flow<T> flow = new Flow<>(nextId, tunnel, peer, nowNanos);
        advance();
        byId.put(flow.id, flow);
        byPeer.put(new Key(tunnel, peer), flow);
        return flow;
    }

    private void advance() {
        nextId = nextId == Integer.MAX_VALUE ? 1 : nextId + 1;
    }

    /** Removes and returns the flows without a datagram either way since {@code idleNanos} before now. */
    List<Flow<T>> expire(long nowNanos, long idleNanos) {
        return removeIf(flow -> nowNanos - flow.lastActiveNanos >= idleNanos);
    }

    /** Removes and returns every flow of {@code tunnel}. */
    List<Flow<T>> removeTunnel(T tunnel) {
        return removeIf(flow -> flow.tunnel == tunnel);
    }

    /** Removes and returns every flow. */
    List<Flow<T>> clear() {
        return removeIf(flow -> true);
    }

    int size() {
        return byId.size();
    }

    private List<Flow<T>> removeIf(Predicate<Flow<T>> condition) {
        List<Flow<T>> removed = new ArrayList<>();
        for (Iterator<Flow<T>> it = byPeer.values().iterator(); it.hasNext(); ) {
            Flow<T> flow = it.next();
            if (condition.test(flow)) {
                it.remove();
                byId.remove(flow.id);
                removed.add(flow);
            }
        }
        return removed;
    }
}
