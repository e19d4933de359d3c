package dev.portway.storage.tunnels;

import dev.portway.protocol.control.TunnelType;

import java.util.List;
import java.util.Locale;

/**
 * What a create or full update of a tunnel sets. Domains and the subdomain are compared case-insensitively, so they
 * are stored lower-case. {@code optionsJson} carries later routing fields as a JSON object (stored as jsonb).
 */
public record TunnelDraft(long ownerId, String name, TunnelType type, Integer remotePort, String subdomain,
                          List<String> customDomains, List<String> locations, String localTarget,
                          String optionsJson, boolean enabled) {
    public TunnelDraft {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name is required");
        }
        if (type == null) {
            throw new IllegalArgumentException("type is required");
        }
        subdomain = subdomain == null ? null : subdomain.toLowerCase(Locale.ROOT);
        customDomains = customDomains == null ? List.of()
                : customDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).distinct().toList();
        locations = locations == null ? List.of() : List.copyOf(locations);
        optionsJson = optionsJson == null ? "{}" : optionsJson;
    }

    /** A plain TCP tunnel on a fixed public port. */
    public static TunnelDraft tcp(long ownerId, String name, int remotePort, String localTarget) {
        return new TunnelDraft(ownerId, name, TunnelType.TCP, remotePort, null, List.of(), List.of(), localTarget,
                null, true);
    }
}
