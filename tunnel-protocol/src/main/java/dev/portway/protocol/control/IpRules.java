package dev.portway.protocol.control;

import dev.portway.protocol.config.IpNetworks;

import java.util.List;

/**
 * Which public peers may reach a tunnel, by address: with {@code allow}, only peers in one of its networks; never a
 * peer in a {@code deny} network. Checked on the real peer (after a PROXY header from a trusted proxy).
 *
 * @param allow networks ({@code 10.0.0.0/8}); empty: every peer not denied
 * @param deny  networks refused even when allowed
 */
public record IpRules(List<String> allow, List<String> deny) {
    /** More would be a firewall's job; the bound keeps a peer from making each connection scan a long list. */
    public static final int MAX_NETWORKS = 64;
    public static final IpRules NONE = new IpRules(List.of(), List.of());

    public IpRules {
        allow = allow == null ? List.of() : List.copyOf(allow);
        deny = deny == null ? List.of() : List.copyOf(deny);
    }

    /** What is wrong with the lists (key {@code ipAllow} or {@code ipDeny}, as client.yaml spells them), or null. */
    public String problem() {
        String problem = problem("ipAllow", allow);
        return problem != null ? problem : problem("ipDeny", deny);
    }

    private static String problem(String key, List<String> networks) {
        if (networks.size() > MAX_NETWORKS) {
            return key + " has " + networks.size() + " networks, at most " + MAX_NETWORKS + " are allowed";
        }
        for (int i = 0; i < networks.size(); i++) {
            try {
                IpNetworks.parse(networks.get(i));
            } catch (IllegalArgumentException e) {
                return key + "[" + i + "]: " + e.getMessage().replace("\"" + networks.get(i) + "\"",
                        TunnelNames.quote(networks.get(i)));
            }
        }
        return null;
    }
}
