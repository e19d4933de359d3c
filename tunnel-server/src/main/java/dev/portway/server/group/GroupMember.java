package dev.portway.server.group;

import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.access.PeerFilter;
import dev.portway.server.auth.Principal;
import dev.portway.server.limits.ConnectionCap;
import dev.portway.server.tcp.StreamBridge;
import dev.portway.server.tcp.TunnelCounters;
import dev.portway.server.tunnel.PublicTunnel;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * One client's tunnel in a TCP load-balancing group: the public side its session holds. Closing it leaves the
 * group; the group's port closes with its last member. Take-over moves the member to the new session, as for a
 * plain tunnel.
 *
 * <p>Threading: any thread; the owner is volatile and the connection group thread-safe.
 */
final class GroupMember implements PublicTunnel, StreamBridge.Target {
    private final String name;
    private final TcpGroup group;
    private final TcpGroups groups;
    private final Principal principal;
    private final TunnelCounters counters;
    private final PeerFilter filter;
    private final ConnectionCap cap;
    /**
     * Public connections this member carries: their number is its load, and deleting the tunnel ends them too. A
     * closed connection leaves the group by itself.
     */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile TunnelSession owner;

    GroupMember(String name, TcpGroup group, TcpGroups groups, Principal principal, TunnelSession owner,
                TunnelCounters counters, PeerFilter filter, ConnectionCap cap) {
        this.filter = filter;
        this.cap = cap;
        this.name = name;
        this.principal = principal;
        this.group = group;
        this.groups = groups;
        this.owner = owner;
        this.counters = counters;
    }

    @Override
    public PeerFilter filter() {
        return filter;
    }

    @Override
    public ConnectionCap cap() {
        return cap;
    }

    TcpGroup group() {
        return group;
    }

    int openStreams() {
        return connections.size();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TunnelType type() {
        return TunnelType.TCP;
    }

    @Override
    public String publicAddress(String publicHost) {
        return group.address(publicHost);
    }

    @Override
    public void owner(TunnelSession owner) {
        this.owner = owner;
    }

    @Override
    public TunnelSession owner() {
        return owner;
    }

    @Override
    public TunnelCounters counters() {
        return counters;
    }

    @Override
    public void carrying(Channel connection) {
        connections.add(connection);
    }

    @Override
    public void released(Channel connection) {
        connections.remove(connection);
    }

    @Override
    public long storedId() {
        return counters.storedId();
    }

    @Override
    public void storedId(long storedId) {
        counters.storedId(storedId);
    }

    @Override
    public boolean satisfies(TunnelSpec spec) {
        return spec.type() == TunnelType.TCP && spec.group() != null && spec.group().name().equals(group.name())
                && group.refusal(spec, principal) == null;
    }

    /** Leaves the group; connections already carried run on. */
    @Override
    public void close() {
        groups.leave(this);
    }

    @Override
    public void closeWithConnections() {
        close();
        connections.close();
    }
}
