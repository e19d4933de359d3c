package dev.portway.admin.tunnels;

import dev.portway.admin.PushResult;
import dev.portway.admin.http.Json;
import dev.portway.storage.tunnels.Tunnel;

import java.util.List;

/** Response bodies of the tunnel routes. */
public final class TunnelViews {
    private TunnelViews() {
    }

    public record TunnelView(long id, long ownerId, String name, String type, Integer remotePort, String subdomain,
                             List<String> customDomains, List<String> locations, String localTarget,
                             List<String> ipAllow, List<String> ipDeny, String rateLimit, Integer maxConnections,
                             String bandwidthLimit, boolean enabled, String created, String updated) {
        public static TunnelView of(Tunnel tunnel) {
            TunnelOptions options = TunnelOptions.parse(tunnel.optionsJson());
            return new TunnelView(tunnel.id(), tunnel.ownerId(), tunnel.name(), tunnel.type().wireName(),
                    tunnel.remotePort(), tunnel.subdomain(), tunnel.customDomains(), tunnel.locations(),
                    tunnel.localTarget(), options.ipAllow(), options.ipDeny(), options.rateLimit(),
                    options.maxConnections(), options.bandwidthLimit(), tunnel.enabled(), Json.time(tunnel.created()), Json.time(tunnel.updated()));
        }
    }

    /** @param push whether a connected client took the tunnel at once, or why not */
    public record CreatedTunnelView(TunnelView tunnel, PushResult push) {
    }
}
