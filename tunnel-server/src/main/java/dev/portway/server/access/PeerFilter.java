package dev.portway.server.access;

import io.netty.handler.ipfilter.IpSubnetFilterRule;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * Whether a public peer may reach a tunnel: in one of the allowed networks when there are any, and in none of the
 * denied ones (the tunnel's own and the server's). Immutable; thread-safe.
 */
public final class PeerFilter {
    public static final PeerFilter OPEN = new PeerFilter(List.of(), List.of());

    private final List<IpSubnetFilterRule> allow;
    private final List<IpSubnetFilterRule> deny;

    PeerFilter(List<IpSubnetFilterRule> allow, List<IpSubnetFilterRule> deny) {
        this.allow = List.copyOf(allow);
        this.deny = List.copyOf(deny);
    }

    /** An address that is not an IP socket address (a test's embedded channel) is let through. */
    public boolean permits(SocketAddress peer) {
        if (!(peer instanceof InetSocketAddress address) || address.getAddress() == null) {
            return true;
        }
        if (!allow.isEmpty() && allow.stream().noneMatch(network -> network.matches(address))) {
            return false;
        }
        return deny.stream().noneMatch(network -> network.matches(address));
    }

    public boolean isOpen() {
        return allow.isEmpty() && deny.isEmpty();
    }
}
