package dev.portway.server.https;

import dev.portway.protocol.control.HostPatterns;
import dev.portway.protocol.tls.TlsProviders;
import dev.portway.server.config.HttpsCertificateConfig;
import dev.portway.server.tls.ServerCertificate;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The certificates listed in server.yaml's {@code https.certificates}, each loaded and turned into an
 * {@link SslContext} once, at start. An exact domain wins over a wildcard one. Immutable, so thread-safe.
 */
public final class ConfiguredCertificates implements CertificateSource {
    /** Public HTTPS serves browsers and tools of every age that still speak TLS 1.2; the tunnel itself is 1.3 only. */
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** What terminated HTTPS offers, h2 first: a client offering both prefers it (AlpnHttp serves each). */
    public static final String[] WEB_PROTOCOLS = {ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1};

    /** One certificate file as loaded, for the admin API's list. */
    public record Loaded(List<String> domains, X509Certificate leaf) {
    }

    private final Map<String, SslContext> byDomain;
    private final List<Loaded> loaded;

    private ConfiguredCertificates(Map<String, SslContext> byDomain, List<Loaded> loaded) {
        this.byDomain = Map.copyOf(byDomain);
        this.loaded = List.copyOf(loaded);
    }

    /**
     * Loads every configured certificate, checking again what the configuration loader checks at start (the files
     * may have changed since): the key belongs to the certificate, which covers every listed domain.
     */
    public static ConfiguredCertificates load(List<HttpsCertificateConfig> certificates)
            throws IOException, GeneralSecurityException {
        Map<String, SslContext> byDomain = new HashMap<>();
        List<Loaded> loaded = new ArrayList<>();
        if (!certificates.isEmpty()) {
            for (HttpsCertificateConfig entry : certificates) {
                ServerCertificate file = ServerCertificate.load(entry.cert(), entry.key());
                if (!CertificateChecks.keyMatches(file.leaf(), file.privateKey())) {
                    throw new GeneralSecurityException(entry.key() + " is not the private key of " + entry.cert());
                }
                List<String> covered = CertificateChecks.dnsNames(file.leaf());
                for (String domain : entry.domains()) {
                    if (!CertificateChecks.covers(covered, domain)) {
                        throw new GeneralSecurityException(entry.cert() + " does not cover " + domain + " (it names "
                                + String.join(", ", covered) + ")");
                    }
                }
                SslContext context = context(file.privateKey(), file.chain(), WEB_PROTOCOLS);
                entry.domains().forEach(domain -> byDomain.put(HostPatterns.normalize(domain), context));
                loaded.add(new Loaded(entry.domains(), file.leaf()));
            }
        }
        return new ConfiguredCertificates(byDomain, loaded);
    }

    /**
     * The context public HTTPS terminates with, for any source of certificates.
     *
     * @param protocols the ALPN protocols offered: {@link #WEB_PROTOCOLS} for a served certificate, or
     *                  {@code acme-tls/1} alone for a TLS-ALPN-01 validation
     */
    public static SslContext context(PrivateKey key, List<X509Certificate> chain, String... protocols)
            throws javax.net.ssl.SSLException {
        return SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]))
                .sslProvider(TlsProviders.choose("https listener"))
                .protocols(PROTOCOLS)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocols))
                .build();
    }

    @Override
    public Optional<SslContext> contextFor(String host) {
        String name = HostPatterns.normalize(host);
        SslContext exact = byDomain.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        String wildcard = HostPatterns.wildcardFor(name);
        return wildcard == null ? Optional.empty() : Optional.ofNullable(byDomain.get(wildcard));
    }

    /** The certificates, as loaded. */
    public List<Loaded> loaded() {
        return loaded;
    }

    /** How many domains have a certificate; for the start-up log line. */
    public int domains() {
        return byDomain.size();
    }
}
