package dev.portway.server.https;

import io.netty.handler.ssl.SslContext;

import java.util.Optional;

/**
 * The TLS-ALPN-01 answers (RFC 8737) of ACME orders in progress: for a ClientHello that offers only the
 * {@code acme-tls/1} protocol, the self-signed certificate carrying the validation for its SNI name. Such a
 * connection never reaches a tunnel.
 *
 * <p>Threading: {@link #contextFor} is called on event loops and must not block.
 */
public interface ChallengeCertificates {
    /** The ALPN protocol a CA's validation connection offers, alone. */
    String ACME_TLS_1 = "acme-tls/1";

    ChallengeCertificates NONE = host -> Optional.empty();

    /** The context answering the validation for {@code host} (lower case), or empty when none is pending. */
    Optional<SslContext> contextFor(String host);
}
