package dev.portway.server.https;

import dev.portway.protocol.control.HostPatterns;
import dev.portway.protocol.tls.TlsProviders;
import dev.portway.server.config.HttpsCertificateConfig;
import dev.portway.server.tls.ServerCertificate;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
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

    private final Map<String, SslContext> byDomain;

    private ConfiguredCertificates(Map<String, SslContext> byDomain) {
        this.byDomain = Map.copyOf(byDomain);
    }

    /** Loads every configured certificate; the loader has already checked keys and domains. */
    public static ConfiguredCertificates load(List<HttpsCertificateConfig> certificates)
            throws IOException, GeneralSecurityException {
        Map<String, SslContext> byDomain = new HashMap<>();
        if (!certificates.isEmpty()) {
            SslProvider provider = TlsProviders.choose("https listener");
            for (HttpsCertificateConfig entry : certificates) {
                SslContext context = context(ServerCertificate.load(entry.cert(), entry.key()), provider);
                entry.domains().forEach(domain -> byDomain.put(HostPatterns.normalize(domain), context));
            }
        }
        return new ConfiguredCertificates(byDomain);
    }

    private static SslContext context(ServerCertificate certificate, SslProvider provider)
            throws javax.net.ssl.SSLException {
        return SslContextBuilder.forServer(certificate.privateKey(),
                        certificate.chain().toArray(new X509Certificate[0]))
                .sslProvider(provider)
                .protocols(PROTOCOLS)
                // h2 first: a client offering both prefers it (AlpnHttp serves each).
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
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

    /** How many domains have a certificate; for the start-up log line. */
    public int domains() {
        return byDomain.size();
    }
}
