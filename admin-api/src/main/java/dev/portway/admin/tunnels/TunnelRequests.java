package dev.portway.admin.tunnels;

import java.util.List;

/** Request bodies of the tunnel routes. */
public final class TunnelRequests {
    private TunnelRequests() {
    }

    /**
     * @param ownerId     the user the tunnel belongs to; defaults to the caller's user, and a user key may name only
     *                    its own
     * @param type        {@code tcp}, {@code udp} or {@code http}
     * @param remotePort  the public port, required for {@code tcp} and {@code udp}; none for {@code http}, which is
     *                    served on the server's web ports
     * @param subdomain   {@code http} only, with or instead of {@code customDomains}
     * @param locations   {@code http} only: path prefixes routed to this tunnel; none means {@code /}
     * @param ipAllow     networks public peers must come from (as client.yaml's {@code ipAllow}); none: any
     * @param ipDeny      networks refused
     * @param rateLimit   {@code http} only: requests per client address, {@code 100/s}, {@code 600/m}, {@code 10000/h}
     * @param maxConnections public connections carried at once (1 to 1,000,000); none: no limit of its own
     * @param bandwidthLimit bytes per second each way, {@code 512KB}, {@code 1MB} or a number of bytes (1KB to
     *                    10GB), enforced by the client
     * @param localTarget {@code host:port} the client connects to; the client still refuses targets its own
     *                    configuration does not allow
     */
    public record CreateTunnel(Long ownerId, String name, String type, Integer remotePort, String subdomain,
                               List<String> customDomains, List<String> locations, String localTarget,
                               Boolean enabled, List<String> ipAllow, List<String> ipDeny, String rateLimit,
                               Integer maxConnections, String bandwidthLimit) {
    }

    /** A partial update: an absent (or {@code null}) field keeps its value. The owner cannot change. */
    public record UpdateTunnel(String name, String type, Integer remotePort, String subdomain,
                               List<String> customDomains, List<String> locations, String localTarget,
                               Boolean enabled, List<String> ipAllow, List<String> ipDeny, String rateLimit,
                               Integer maxConnections, String bandwidthLimit) {
    }
}
