package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One tunnel as the client asks for it. {@code remotePort} 0 lets the server pick a free allowed port (tcp, udp);
 * http tunnels leave it 0 and are reached through {@code http}'s host names instead. {@code local} is set only on
 * tunnels the server pushes; the client checks it against its own allow-list.
 *
 * @param http  routing and rewriting for an http tunnel; null for other types
 * @param group the load-balancing group this tunnel joins; null when it serves alone
 * @param ipRules which public peers may reach it; null: every peer the server lets in
 * @param maxConnections public connections it carries at once; 0: no limit of its own
 * @param bandwidthLimit bytes per second each way that the client holds the tunnel's connections to; 0: none. The
 *                       client enforces it; a server sets it only on tunnels it pushes
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TunnelSpec(
        @JsonProperty(required = true) String name,
        @JsonProperty(required = true) TunnelType type,
        int remotePort,
        String local,
        HttpOptions http,
        GroupOptions group,
        IpRules ipRules,
        int maxConnections,
        long bandwidthLimit) {
    public static final int MAX_CONNECTIONS = 1_000_000;

    public TunnelSpec(String name, TunnelType type, int remotePort, String local) {
        this(name, type, remotePort, local, null, null, null, 0, 0);
    }

    public TunnelSpec(String name, TunnelType type, int remotePort, String local, HttpOptions http,
                      GroupOptions group) {
        this(name, type, remotePort, local, http, group, null, 0, 0);
    }

    public TunnelSpec(String name, TunnelType type, int remotePort, String local, HttpOptions http,
                      GroupOptions group, IpRules ipRules) {
        this(name, type, remotePort, local, http, group, ipRules, 0, 0);
    }

    /** This spec with {@code port} as its remote port: the one a server picked for it, or holds for it. */
    public TunnelSpec withRemotePort(int port) {
        return new TunnelSpec(name, type, port, local, http, group, ipRules, maxConnections, bandwidthLimit);
    }

    /** The rules, never null. */
    public IpRules ipRulesOrNone() {
        return ipRules == null ? IpRules.NONE : ipRules;
    }
}
