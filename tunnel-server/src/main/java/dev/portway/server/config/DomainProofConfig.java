package dev.portway.server.config;

import dev.portway.protocol.config.HostPort;

import java.util.List;

/**
 * Whether a custom domain must be proven before a tunnel may serve it, and where the proof is looked up. A user
 * proves a domain by publishing a DNS TXT record {@code _portway-challenge.<domain>} with the token the admin API
 * gave when the domain was reserved; the API checks it on request.
 *
 * @param required    custom domains outside the server's own domain are served only once proven (or reserved by an
 *                    admin); false: the first user to register one owns it
 * @param nameServers DNS servers asked for the TXT record; empty: the system's resolvers
 */
public record DomainProofConfig(boolean required, List<HostPort> nameServers) {
    public static final DomainProofConfig DEFAULTS = new DomainProofConfig(false, List.of());

    public DomainProofConfig {
        nameServers = nameServers == null ? List.of() : List.copyOf(nameServers);
    }
}
