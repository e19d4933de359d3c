package dev.portway.server.claims;

import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.auth.Principal;
import dev.portway.server.config.DomainProofConfig;
import dev.portway.server.http.HttpTunnelBinder;
import dev.portway.protocol.control.HostPatterns;
import dev.portway.server.tunnel.TunnelRefusedException;
import dev.portway.storage.claims.ClaimDenial;
import dev.portway.storage.claims.ClaimRepository;
import dev.portway.storage.claims.HostRequest;
import dev.portway.storage.claims.HostRequest.Admission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Ownership kept in the database: a host is its first user's (or reserved through the API) and a reserved port is its
 * owner's alone. Wildcards under the server's own domain need an admin's reservation; custom domains need proof when
 * {@link DomainProofConfig#required()}. Static tokens are the operator's own: they hold no stored claims and need no
 * proof, but another user's claim stands in their way.
 */
public final class StoredNameClaims implements NameClaims {
    private static final Logger log = LoggerFactory.getLogger(StoredNameClaims.class);
    /** Ownership fails closed: a name nobody could check is not handed out, and the client is told why. */
    static final String UNCHECKED = "the database that records who owns public names does not answer; "
            + "the tunnel is refused until it does (the client retries on reconnect)";
    private final ClaimRepository claims;
    /** Lower case; null when the server gives out no subdomains. */
    private final String domain;
    private final boolean proofRequired;

    public StoredNameClaims(ClaimRepository claims, String domain, DomainProofConfig proof) {
        this.claims = claims;
        this.domain = domain == null ? null : HostPatterns.normalize(domain);
        this.proofRequired = proof.required();
    }

    @Override
    public CompletionStage<String> refusal(TunnelSpec spec, Principal principal) {
        long userId = principal.userId() == Principal.NOT_STORED ? ClaimRepository.NO_USER : principal.userId();
        if ((spec.type() == TunnelType.TCP || spec.type() == TunnelType.UDP) && spec.remotePort() > 0) {
            return claims.portDenial(userId, spec.remotePort()).handle((denial, failure) -> {
                if (failure != null) {
                    log.warn("cannot check who owns port {}: {}", spec.remotePort(), failure.getMessage());
                    return UNCHECKED;
                }
                return denial.map(ClaimDenial::describe).orElse(null);
            });
        }
        if (spec.type() != TunnelType.HTTP || spec.http() == null) {
            return CompletableFuture.completedFuture(null);
        }
        List<String> hosts;
        try {
            hosts = HttpTunnelBinder.hosts(domain, spec.http());
        } catch (TunnelRefusedException invalid) {
            // The binder refuses it with the same reason; there is nothing to claim.
            return CompletableFuture.completedFuture(null);
        }
        List<HostRequest> requests = hosts.stream().map(HostPatterns::normalize)
                .map(host -> new HostRequest(host, admission(host))).toList();
        return claims.takeHosts(userId, requests).handle((denials, failure) -> {
            if (failure != null) {
                log.warn("cannot check who owns {}: {}", hosts, failure.getMessage());
                return UNCHECKED;
            }
            return denials.isEmpty() ? null
                    : String.join("; ", denials.stream().map(ClaimDenial::describe).distinct().toList());
        });
    }

    private Admission admission(String host) {
        boolean ownDomain = domain != null && host.toLowerCase(Locale.ROOT).endsWith("." + domain);
        if (ownDomain) {
            return HostPatterns.isWildcard(host) ? Admission.RESERVED : Admission.FIRST_USE;
        }
        return proofRequired ? Admission.PROVEN : Admission.FIRST_USE;
    }
}
