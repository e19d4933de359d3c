package dev.portway.server.reload;

import dev.portway.server.access.PeerFilters;
import dev.portway.server.auth.StaticTokenAuthenticator;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.http.ErrorPages;
import dev.portway.server.http.HttpFrontend;
import dev.portway.server.https.CertificateFiles;
import dev.portway.server.limits.SourceLimits;
import dev.portway.server.plans.UserAccounts;
import dev.portway.server.proxyprotocol.TrustedProxies;
import dev.portway.server.tcp.PortAllocator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a running server that take a new server.yaml in place ({@link ConfigDiff#LIVE}): each holds its
 * settings behind one volatile reference, so sessions, tunnels and open connections go on untouched and whatever
 * starts after the swap sees the new settings.
 *
 * @param tokens         {@code auth.tokens}
 * @param ports          the allocators of TCP and UDP ports ({@code allowPorts})
 * @param trustedProxies {@code proxyProtocol.trustedCidrs}, shared by every public listener
 * @param web            http limits and error pages; null without a web listener
 * @param certificates   {@code https.certificates}; null without an https listener
 * @param accounts       the per-user {@code limits}
 * @param filters        {@code access.*}, for the control port and every tunnel
 * @param sourceLimits   every listener's per-address ceilings ({@code limits.connectionsPerSource},
 *                       {@code limits.handshakesPerSource})
 */
public record LiveSettings(StaticTokenAuthenticator tokens, List<PortAllocator> ports, TrustedProxies trustedProxies,
                           HttpFrontend web, CertificateFiles certificates, UserAccounts accounts,
                           PeerFilters filters, List<SourceLimits> sourceLimits) {

    public LiveSettings {
        ports = List.copyOf(ports);
        sourceLimits = List.copyOf(sourceLimits);
    }

    /**
     * Applies every live setting of {@code next}, changed or not: the certificate files are read again even when
     * their paths stayed, since a renewal writes new files under the old names.
     *
     * @return what could not be applied and why (the old setting stays); empty when all of it was
     */
    List<String> apply(ServerConfig next) {
        List<String> failures = new ArrayList<>();
        tokens.replace(next.auth());
        ports.forEach(allocator -> allocator.allow(next.allowPorts()));
        trustedProxies.replace(next.proxyProtocol().trustedCidrs());
        accounts.replaceServerLimits(next.limits());
        sourceLimits.forEach(limits -> limits.resize(next.limits().connectionsPerSource(),
                next.limits().handshakesPerSource()));
        filters.replace(next.access());
        if (web != null) {
            try {
                web.reconfigure(next.http(), ErrorPages.load(next.http().errorPages()));
            } catch (IOException e) {
                failures.add("http: kept the limits and error pages in use: " + e.getMessage());
            }
        }
        if (certificates != null) {
            certificates.reload(next.http().certificates())
                    .ifPresent(why -> failures.add("https.certificates: kept the certificates in use: " + why));
        }
        return failures;
    }
}
