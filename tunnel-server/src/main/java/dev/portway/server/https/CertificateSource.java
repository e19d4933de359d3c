package dev.portway.server.https;

import io.netty.handler.ssl.SslContext;

import java.util.Optional;

/**
 * Where the https listener finds the certificate to terminate TLS with for a host name: the files in server.yaml
 ({@link CertificateFiles}) and the ACME certificates. Implementations build their {@link SslContext}s ahead of time
 * (at start, and again when a certificate changes), never inside {@link #contextFor}, which runs on an event loop for
 * every new connection.
 *
 * <p>Threading: {@link #contextFor} may be called from any thread and must not block.
 */
public interface CertificateSource {
    /** A source without certificates: every terminate route is refused, passthrough still works. */
    CertificateSource NONE = host -> Optional.empty();

    /** The context for {@code host} (lower case, as sent in SNI), or empty when no certificate covers it. */
    Optional<SslContext> contextFor(String host);

    /** This source's certificate for a host, and {@code other}'s where this one has none. */
    default CertificateSource orElse(CertificateSource other) {
        return host -> contextFor(host).or(() -> other.contextFor(host));
    }
}
