package dev.portway.admin.tunnels;

import dev.portway.admin.problem.ApiException;
import dev.portway.protocol.config.IpNetworks;
import dev.portway.protocol.control.IpRules;
import dev.portway.protocol.control.RateLimit;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.relay.Bandwidth;
import dev.portway.storage.tunnels.TunnelDraft;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rules for a tunnel, checked on the complete draft (after a partial update is merged), so that create and
 * update cannot disagree. The first broken rule is reported, naming its field.
 */
final class TunnelValidator {
    /** The same rule as tunnel names in client.yaml, so a pushed tunnel is one a client could have declared. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern TARGET_HOST = Pattern.compile("\\[[0-9a-fA-F:.]+]|[A-Za-z0-9]([A-Za-z0-9.-]{0,252})");
    static final int MAX_CUSTOM_DOMAINS = 32;
    static final int MAX_LOCATIONS = 32;
    static final int MAX_LOCATION_LENGTH = 1024;

    private TunnelValidator() {
    }

    static TunnelType type(String type) {
        if (type == null) {
            throw ApiException.invalid("type", "required");
        }
        return Arrays.stream(TunnelType.values()).filter(t -> t.wireName().equals(type)).findFirst()
                .orElseThrow(() -> ApiException.invalid("type", "expected one of " + Arrays.stream(TunnelType.values())
                        .map(TunnelType::wireName).collect(Collectors.joining(", "))));
    }

    /**
     * Checks the fields and builds the draft; {@link TunnelDraft}'s own checks (and its lower-casing of domains) never
     * see an invalid value.
     */
    static TunnelDraft draft(long ownerId, String name, String typeName, Integer port, String subdomain,
                             List<String> customDomains, List<String> locations, String localTarget,
                             boolean enabled, TunnelOptions options) {
        if (name == null) {
            throw ApiException.invalid("name", "required");
        }
        if (!NAME.matcher(name).matches()) {
            throw ApiException.invalid("name", "expected 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'");
        }
        TunnelType type = type(typeName);
        List<String> domains = customDomains == null ? List.of() : customDomains;
        List<String> paths = locations == null ? List.of() : locations;
        if (type == TunnelType.HTTP) {
            if (port != null) {
                throw ApiException.invalid("remotePort", "an http tunnel is served on the server's web ports; "
                        + "remove remotePort");
            }
            if (subdomain == null && domains.isEmpty()) {
                throw ApiException.invalid("subdomain", "an http tunnel needs a subdomain or customDomains");
            }
        } else {
            if (port == null) {
                throw ApiException.invalid("remotePort", "required for a " + type.wireName() + " tunnel");
            }
            String httpOnly = subdomain != null ? "subdomain" : !domains.isEmpty() ? "customDomains"
                    : !paths.isEmpty() ? "locations" : null;
            if (httpOnly != null) {
                throw ApiException.invalid(httpOnly, "only an http tunnel has " + httpOnly);
            }
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw ApiException.invalid("remotePort", "expected a port from 1 to 65535");
        }
        String label = subdomain == null ? null : subdomain.toLowerCase(Locale.ROOT);
        if (label != null && !LABEL.matcher(label).matches()) {
            throw ApiException.invalid("subdomain", "expected one DNS label: a-z, 0-9 and '-', up to 63 characters");
        }
        if (domains.size() > MAX_CUSTOM_DOMAINS) {
            throw ApiException.invalid("customDomains", "at most " + MAX_CUSTOM_DOMAINS + " domains");
        }
        for (int i = 0; i < domains.size(); i++) {
            String domain = domains.get(i);
            if (domain == null || !HostNames.isHost(domain.toLowerCase(Locale.ROOT))) {
                throw ApiException.invalid("customDomains[" + i + "]", "expected a host name such as app.example.com");
            }
        }
        if (paths.size() > MAX_LOCATIONS) {
            throw ApiException.invalid("locations", "at most " + MAX_LOCATIONS + " locations");
        }
        for (int i = 0; i < paths.size(); i++) {
            String path = paths.get(i);
            if (path == null || !path.startsWith("/") || path.length() > MAX_LOCATION_LENGTH
                    || path.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                throw ApiException.invalid("locations[" + i + "]", "expected a path prefix such as /api, at most "
                        + MAX_LOCATION_LENGTH + " characters without spaces");
            }
        }
        localTarget(localTarget);
        options(type, options);
        return new TunnelDraft(ownerId, name, type, port, label, domains, paths, localTarget, options.toJson(), enabled);
    }

    private static void options(TunnelType type, TunnelOptions options) {
        networks("ipAllow", options.ipAllow());
        networks("ipDeny", options.ipDeny());
        if (options.rateLimit() != null) {
            if (type != TunnelType.HTTP) {
                throw ApiException.invalid("rateLimit", "only an http tunnel has rateLimit");
            }
            try {
                RateLimit.parse(options.rateLimit());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("rateLimit", e.getMessage());
            }
        }
        Integer max = options.maxConnections();
        if (max != null && (max < 1 || max > TunnelSpec.MAX_CONNECTIONS)) {
            throw ApiException.invalid("maxConnections", "expected 1 to " + TunnelSpec.MAX_CONNECTIONS + ", got " + max);
        }
        if (options.bandwidthLimit() != null) {
            try {
                Bandwidth.parse(options.bandwidthLimit());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("bandwidthLimit", e.getMessage());
            }
        }
    }

    private static void networks(String field, List<String> networks) {
        if (networks.size() > IpRules.MAX_NETWORKS) {
            throw ApiException.invalid(field, "at most " + IpRules.MAX_NETWORKS + " networks");
        }
        for (int i = 0; i < networks.size(); i++) {
            try {
                IpNetworks.parse(networks.get(i));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(field + "[" + i + "]", e.getMessage());
            }
        }
    }

    private static void localTarget(String target) {
        if (target == null) {
            throw ApiException.invalid("localTarget", "required");
        }
        int colon = target.lastIndexOf(':');
        boolean valid = colon > 0 && TARGET_HOST.matcher(target.substring(0, colon)).matches();
        if (valid) {
            try {
                int port = Integer.parseInt(target.substring(colon + 1));
                valid = port >= 1 && port <= 65535;
            } catch (NumberFormatException e) {
                valid = false;
            }
        }
        if (!valid) {
            throw ApiException.invalid("localTarget", "expected host:port, e.g. 127.0.0.1:8080 or [::1]:22");
        }
    }
}
