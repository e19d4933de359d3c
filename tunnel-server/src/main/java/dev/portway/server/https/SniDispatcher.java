package dev.portway.server.https;

import dev.portway.protocol.control.HostPatterns;

import java.util.List;
import java.util.Optional;

/**
 * Decides, from the SNI host name alone, what becomes of an https connection: the route of the tunnel serving that
 * host, and for a terminated route the certificate covering it. A plain class, so that it is tested without a
 * channel; {@link SniRouter} does the I/O.
 *
 * <p>Threading: thread-safe when the routes and the certificate source are.
 */
public final class SniDispatcher {
    private final HttpsRoutes routes;
    private final CertificateSource certificates;
    private final ChallengeCertificates challenges;

    public SniDispatcher(HttpsRoutes routes, CertificateSource certificates) {
        this(routes, certificates, ChallengeCertificates.NONE);
    }

    public SniDispatcher(HttpsRoutes routes, CertificateSource certificates, ChallengeCertificates challenges) {
        this.routes = routes;
        this.certificates = certificates;
        this.challenges = challenges;
    }

    /** @param sniHost the server name the client sent, or null when it sent none (or did not speak TLS) */
    public SniDecision decide(String sniHost) {
        return decide(sniHost, List.of());
    }

    /**
     * @param sniHost   the server name the client sent, or null when it sent none (or did not speak TLS)
     * @param protocols the ALPN protocols it offered
     */
    public SniDecision decide(String sniHost, List<String> protocols) {
        if (sniHost == null) {
            return new SniDecision.Refuse("no SNI host name");
        }
        String host = HostPatterns.normalize(sniHost);
        if (protocols.equals(List.of(ChallengeCertificates.ACME_TLS_1))) {
            return challenges.contextFor(host)
                    .<SniDecision>map(SniDecision.AnswerChallenge::new)
                    .orElseGet(() -> new SniDecision.Refuse("no ACME validation pending for " + host));
        }
        Optional<HttpsRoute> route = routes.find(host);
        if (route.isEmpty()) {
            return new SniDecision.Refuse("no tunnel serves " + host);
        }
        if (route.get() instanceof HttpsRoute.Passthrough passthrough) {
            return new SniDecision.Passthrough(passthrough.tunnel());
        }
        return certificates.contextFor(host)
                .<SniDecision>map(SniDecision.Terminate::new)
                .orElseGet(() -> new SniDecision.Refuse("no certificate covers " + host
                        + " (https.certificates), and its tunnel does not ask for passthrough"));
    }
}
