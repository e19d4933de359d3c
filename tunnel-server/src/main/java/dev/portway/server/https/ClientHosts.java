package dev.portway.server.https;

import io.netty.handler.ssl.SslContext;

import java.util.Optional;
import java.util.Set;

/**
 * The names the https listener terminates TLS for on behalf of clients ({@code https.clientConnect.hosts}, and the
 * server's public host), even when no tunnel serves them: a {@code wss://} client dials the server's own name. A
 * tunnel on such a name keeps its route; a name without a certificate of its own is served with the control port's
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

    public HttpsRoutes routes(HttpsRoutes tunnels) {
        return host -> {
            Optional<HttpsRoute> route = tunnels.find(host);
            return route.isPresent() || !hosts.contains(host) ? route : Optional.of(HttpsRoute.TERMINATE);
        };
    }

    public CertificateSource certificates(CertificateSource configured) {
        return host -> {
            Optional<SslContext> context = configured.contextFor(host);
            return context.isPresent() || !hosts.contains(host) ? context : Optional.of(controlContext);
        };
    }
}
