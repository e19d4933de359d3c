package dev.portway.server.acme;

import dev.portway.protocol.control.HostPatterns;
import dev.portway.server.https.CertificateSource;
import dev.portway.server.https.ConfiguredCertificates;
import io.netty.handler.ssl.SslContext;

import javax.net.ssl.SSLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ACME certificates the https listener serves, by domain. A new certificate replaces the old one for the next
 * handshake; connections already open keep the session they negotiated, so nothing is dropped.
 *
 * <p>Threading: {@link #contextFor} from any thread; {@link #serve} and {@link #withdraw} from the ACME thread.
 */
public final class AcmeCertificates implements CertificateSource {
    private record Served(IssuedCertificate certificate, SslContext context) {
    }

    private volatile Map<String, Served> byDomain = Map.of();

    /** Serves {@code certificate} for its domains from the next handshake on. */
    public void serve(IssuedCertificate certificate) throws SSLException {
        Served served = new Served(certificate, ConfiguredCertificates.context(certificate.keyPair().getPrivate(),
                certificate.chain(), ConfiguredCertificates.WEB_PROTOCOLS));
        Map<String, Served> next = new HashMap<>(byDomain);
        certificate.domains().forEach(domain -> next.put(HostPatterns.normalize(domain), served));
        byDomain = Map.copyOf(next);
    }

    /** Stops serving the certificate named {@code name}, for every domain it was served for. */
    public void withdraw(String name) {
        Map<String, Served> next = new HashMap<>(byDomain);
        next.values().removeIf(served -> served.certificate().name().equals(name));
        byDomain = Map.copyOf(next);
    }

    /** Every certificate served now. */
    public List<IssuedCertificate> all() {
        return byDomain.values().stream().map(Served::certificate).distinct().toList();
    }

    /** The certificate served for {@code domain}, exactly. */
    public Optional<IssuedCertificate> served(String domain) {
        return Optional.ofNullable(byDomain.get(HostPatterns.normalize(domain))).map(Served::certificate);
    }

    /** The certificate of {@code host} exactly, else the wildcard one over it. */
    @Override
    public Optional<SslContext> contextFor(String host) {
        Served exact = byDomain.get(host);
        if (exact != null) {
            return Optional.of(exact.context());
        }
        String wildcard = HostPatterns.wildcardFor(host);
        return wildcard == null ? Optional.empty() : Optional.ofNullable(byDomain.get(wildcard)).map(Served::context);
    }
}
