package dev.portway.client.tls;

import dev.portway.protocol.tls.CertificateFingerprint;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * Trusts exactly one server certificate, by the SHA-256 fingerprint of its leaf ({@code tls.fingerprint}). A refusal
 * names the fingerprint the server presented, in the form the server prints at start, so that a user who pinned the
 * wrong one (or whose server made a new certificate) sees what to compare instead of only the certificate's subject.
 *
 * <p>Threading: immutable; called by TLS engines on any thread.
 */
final class PinnedCertificateTrustManager extends X509ExtendedTrustManager {
    private final String pinned;

    /** @param pinned {@code sha256:<64 lowercase hex>} */
    PinnedCertificateTrustManager(String pinned) {
        this.pinned = pinned;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server presented no certificate");
        }
        String presented = CertificateFingerprint.of(chain[0]);
        if (!presented.equals(pinned)) {
            throw new CertificateException("the server presented a certificate with fingerprint " + presented + " ("
                    + chain[0].getSubjectX500Principal().getName() + "), not the one tls.fingerprint pins (" + pinned
                    + ")");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client verifies servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
