package dev.portway.server.group;

import dev.portway.protocol.control.TunnelSpec;
import dev.portway.server.auth.Principal;
import dev.portway.server.tcp.PortAcceptor;
import dev.portway.server.tcp.StreamBridge;
import dev.portway.server.tunnel.PublicPort;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One public TCP port shared by the members of a load-balancing group. Each accepted connection goes to the member
 * its {@link MemberChooser} prefers, or to the next when that member's client cannot take it, through
 * {@link StreamBridge} (which documents the connection's pipeline).
 *
 * <p>Threading: members are added and removed under {@link TcpGroups}' lock and read, as a snapshot, on accepting
 * event loops.
 */
final class TcpGroup extends ChannelInitializer<SocketChannel> implements PortAcceptor {
    private final GroupTerms terms;
    private final PublicPort port;
    private final StreamBridge bridge;
    private final MemberChooser<GroupMember> chooser;
    private final List<GroupMember> members = new CopyOnWriteArrayList<>();
    /** Set under {@link TcpGroups}' lock when the last member left; a late joiner must start a new group. */
    private boolean closed;

    TcpGroup(GroupTerms terms, PublicPort port, StreamBridge bridge) {
        this.terms = terms;
        this.port = port;
        this.bridge = bridge;
        this.chooser = new MemberChooser<>(terms.policy(), GroupMember::openStreams);
    }

    String name() {
        return terms.name();
    }

    int port() {
        return port.port();
    }

    String address(String publicHost) {
        return port.address(publicHost);
    }

    /** Stops accepting and gives the port back; the last member has left. */
    void closePort() {
        port.close();
    }

    List<GroupMember> members() {
        return members;
    }

    boolean closed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }

    /** Why {@code spec} of {@code principal} may not join this group, or null when it may. */
    String refusal(TunnelSpec spec, Principal principal) {
        String refusal = terms.refusal(spec.group(), principal);
        if (refusal == null && !port.serves(spec.remotePort())) {
            return "group " + terms.name() + " shares port " + port.port() + ", not " + spec.remotePort();
        }
        return refusal;
    }

    @Override
    public void bound(Channel serverChannel) {
        port.bound(serverChannel);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        bridge.connect(ch, "group=" + terms.name(), chooser.order(List.copyOf(members)));
    }
}
