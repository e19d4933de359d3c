package dev.portway.server.access;

import dev.portway.protocol.config.IpNetworks;
import dev.portway.protocol.control.IpRules;
import dev.portway.server.config.AccessConfig;
import io.netty.handler.ipfilter.IpSubnetFilterRule;

import java.util.List;

/**
 * Makes each tunnel's {@link PeerFilter} from its own rules and the server's {@code access} rules, which a reload
 * replaces ({@link #replace}) for every filter at once.
 */
public final class PeerFilters {
    public static final PeerFilters NONE = new PeerFilters(AccessConfig.NONE);

    /** The server's rules, parsed. */
    record Rules(List<IpSubnetFilterRule> deny, List<IpSubnetFilterRule> controlAllow) {
        static final Rules NONE = new Rules(List.of(), List.of());

        static Rules of(AccessConfig config) {
            return new Rules(config.deny().stream().map(IpNetworks::parse).toList(),
                    config.controlAllow().stream().map(IpNetworks::parse).toList());
        }
    }

    private volatile Rules rules;
    private final PeerFilter control;

    public PeerFilters(AccessConfig config) {
        this.rules = Rules.of(config);
        this.control = new PeerFilter(List.of(), List.of(), () -> rules, true);
    }

    /** The server's rules from now on, for every tunnel and the control port; the loader has checked them. */
    public void replace(AccessConfig config) {
        rules = Rules.of(config);
    }

    /**
     * The filter of a tunnel with {@code rules}; the server checked them ({@code TunnelNames.problem}) before.
     */
    public PeerFilter forTunnel(IpRules tunnel) {
        return new PeerFilter(tunnel.allow().stream().map(IpNetworks::parse).toList(),
                tunnel.deny().stream().map(IpNetworks::parse).toList(), () -> rules, false);
    }

    /** Who may open control connections: {@code access.controlAllow}, less {@code access.deny}. */
    public PeerFilter control() {
        return control;
    }
}
