package dev.portway.client.tls;

import dev.portway.client.config.ClientTlsConfig;
import dev.portway.protocol.tls.TlsProviders;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;

/** Builds the client's {@link ClientTls} from its configuration, once at start. */
public final class ClientTlsContexts {

    private ClientTlsContexts() {
    }

    /**
     * TLS 1.3 only, trusting exactly what the config says: the pinned SHA-256 fingerprint of the server's leaf
     * certificate, the certificates in the CA file (with host name verification), or — insecure — anything.
     *
     * @throws IOException if the CA file cannot be read
     * @throws GeneralSecurityException if the CA file holds no certificate or the context cannot be built
     */
    public static ClientTls create(ClientTlsConfig config) throws IOException, GeneralSecurityException {
        return create(config, TlsProviders.choose("tunnel connection"));
    }

    /** With a given provider, so tests cover the JDK fallback on machines where OpenSSL loads. */
    static ClientTls create(ClientTlsConfig config, SslProvider provider) throws IOException, GeneralSecurityException {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(provider)
                .protocols(TlsProviders.TLS_13);
        return new ClientTls(trusting(builder, config).build(), config);
    }

    /**
     * For a local service spoken to with HTTP/2 over TLS ({@code backendProtocol: h2}): ALPN offers {@code h2} alone,
     * TLS 1.2 is accepted beside 1.3 (local services are often older than the tunnel), and trust is what
     * {@code backendTls} says, as for the server.
     */
    public static ClientTls forLocalHttp2(ClientTlsConfig config) throws IOException, GeneralSecurityException {
        SslProvider provider = TlsProviders.choose("local HTTP/2 connection");
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(provider)
                .protocols("TLSv1.3", "TLSv1.2")
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2));
        return new ClientTls(trusting(builder, config).build(), config);
    }

    private static SslContextBuilder trusting(SslContextBuilder builder, ClientTlsConfig config)
            throws IOException, GeneralSecurityException {
        if (config.fingerprint() != null) {
            builder.trustManager(new PinnedCertificateTrustManager(config.fingerprintWithPrefix()));
        } else if (config.ca() != null) {
            builder.trustManager(readCertificates(config));
        } else if (config.insecure()) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else {
            throw new IllegalStateException("no TLS trust configured");
        }
        return builder;
    }

    private static X509Certificate[] readCertificates(ClientTlsConfig config)
            throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(config.ca())) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("no certificate found in " + config.ca());
        }
        return certs.stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
    }
}
