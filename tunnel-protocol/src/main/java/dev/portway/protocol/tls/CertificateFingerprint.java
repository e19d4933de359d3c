package dev.portway.protocol.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * The text form of a certificate's SHA-256 fingerprint, {@code sha256:<64 lowercase hex>}: what the server prints at
 * start, what client.yaml pins, and what the client shows when the server presents another certificate. One format in
 * one place, so the three can be compared by eye.
 */
public final class CertificateFingerprint {
    public static final String PREFIX = "sha256:";

    private CertificateFingerprint() {
    }

    public static String of(X509Certificate certificate) {
        try {
            return PREFIX + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }
}
