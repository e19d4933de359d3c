package dev.portway.server.access;

import io.netty.handler.ipfilter.IpSubnetFilterRule;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.function.Supplier;

/**
 * Whether a peer may reach a tunnel (or the control port): in one of the allowed networks when there are any, and
 * in none of the denied ones. A tunnel's own rules are fixed when it registers; the server's ({@code access.*}) are
 * read at every check, so a reload reaches tunnels already open. Thread-safe.
 */
public final class PeerFilter {
    public static final PeerFilter OPEN = new PeerFilter(List.of(), List.of(), () -> PeerFilters.Rules.NONE, false);

    private final List<IpSubnetFilterRule> allow;
    private final List<IpSubnetFilterRule> deny;
    private final Supplier<PeerFilters.Rules> server;
    /** The control port's filter: the server's {@code controlAllow} is its allow list. */
    private final boolean control;

    PeerFilter(List<IpSubnetFilterRule> allow, List<IpSubnetFilterRule> deny, Supplier<PeerFilters.Rules> server,
               boolean control) {
        this.allow = List.copyOf(allow);
        this.deny = List.copyOf(deny);
        this.server = server;
        this.control = control;
    }

    /** An address that is not an IP socket address (a test's embedded channel) is let through. */
    public boolean permits(SocketAddress peer) {
        if (!(peer instanceof InetSocketAddress address) || address.getAddress() == null) {
            return true;
        }
        PeerFilters.Rules rules = server.get();
        List<IpSubnetFilterRule> allowed = control ? rules.controlAllow() : allow;
        if (!allowed.isEmpty() && allowed.stream().noneMatch(network -> network.matches(address))) {
            return false;
        }
        return deny.stream().noneMatch(network -> network.matches(address))
                && rules.deny().stream().noneMatch(network -> network.matches(address));
    }
}
