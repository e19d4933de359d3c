package dev.portway.server.access;

import dev.portway.protocol.config.IpNetworks;
import dev.portway.protocol.control.IpRules;
import dev.portway.server.config.AccessConfig;
import io.netty.handler.ipfilter.IpSubnetFilterRule;

import java.util.ArrayList;
import java.util.List;

/** Makes each tunnel's {@link PeerFilter} from its own rules and the server's {@code access.deny}. */
public final class PeerFilters {
    public static final PeerFilters NONE = new PeerFilters(AccessConfig.NONE);

    private final List<IpSubnetFilterRule> serverDeny;
    private final PeerFilter control;

    public PeerFilters(AccessConfig config) {
        this.serverDeny = config.deny().stream().map(IpNetworks::parse).toList();
        this.control = new PeerFilter(config.controlAllow().stream().map(IpNetworks::parse).toList(), serverDeny);
    }

    /**
     * The filter of a tunnel with {@code rules}; the server checked them ({@code TunnelNames.problem}) before.
     */
    public PeerFilter forTunnel(IpRules rules) {
        if (rules.allow().isEmpty() && rules.deny().isEmpty() && serverDeny.isEmpty()) {
            return PeerFilter.OPEN;
        }
        List<IpSubnetFilterRule> deny = new ArrayList<>(serverDeny);
        rules.deny().stream().map(IpNetworks::parse).forEach(deny::add);
        return new PeerFilter(rules.allow().stream().map(IpNetworks::parse).toList(), deny);
    }

    /** Who may open control connections: {@code access.controlAllow}, less {@code access.deny}. */
    public PeerFilter control() {
        return control;
    }
}
