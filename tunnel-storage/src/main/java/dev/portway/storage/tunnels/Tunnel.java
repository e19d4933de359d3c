package dev.portway.storage.tunnels;

import dev.portway.protocol.control.TunnelType;

import java.time.Instant;
import java.util.List;

/** A row of {@code tunnels} with its custom domains (from {@code tunnel_domains}). */
public record Tunnel(long id, long ownerId, String name, TunnelType type, Integer remotePort, String subdomain,
                     List<String> customDomains, List<String> locations, String localTarget, String optionsJson,
                     boolean enabled, Instant created, Instant updated) {
}
