package dev.portway.server.https;

import io.netty.handler.ssl.SslContext;

import java.util.Optional;
import java.util.Set;

/**
 * The names the https listener terminates TLS for on behalf of clients ({@code https.clientConnect.hosts}, and the
 * server's public host), even when no tunnel serves them: a {@code wss://} client dials the server's own name. A
 * tunnel on such a name keeps its ordinary requests but is never passed through; a name without a certificate of its own is served with the control port's
 * certificate, the one a client pins by fingerprint.
 *
 * <p>Threading: immutable.
 */
public final class ClientHosts {
    private final Set<String> hosts;
    private final SslContext controlContext;

    /** @param hosts lower-case host names */
    public ClientHosts(Set<String> hosts, SslContext controlContext) {
        this.hosts = Set.copyOf(hosts);
        this.controlContext = controlContext;
    }

    /**
     * A client host is always terminated, even when a tunnel asks for passthrough on it: otherwise any user who
     * claimed the server's own name (as a subdomain or custom domain) would receive every {@code wss://} client's TLS
     * handshake, and with a CA-issued certificate of its own could read their tokens. A terminating tunnel on the
     * name keeps its ordinary requests; the clients' upgrade is taken before routing.
     */
    public HttpsRoutes routes(HttpsRoutes tunnels) {
        return host -> hosts.contains(host) ? Optional.of(HttpsRoute.TERMINATE) : tunnels.find(host);
    }

    public CertificateSource certificates(CertificateSource configured) {
        return host -> {
            Optional<SslContext> context = configured.contextFor(host);
            return context.isPresent() || !hosts.contains(host) ? context : Optional.of(controlContext);
        };
    }
}
