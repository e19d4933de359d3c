package dev.portway.server.https;

import dev.portway.protocol.control.HostPatterns;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** What the configuration loader verifies about a certificate before the server serves it. */
public final class CertificateChecks {
    /** subjectAltName entry type of a DNS name (RFC 5280). */
    private static final int DNS_NAME = 2;

    private CertificateChecks() {
    }

    /**
     * Whether {@code key} is the private key of {@code cert}: it signs a random challenge that the certificate's
     * public key verifies. Keys of an algorithm this cannot sign with are reported as not matching.
     */
    public static boolean keyMatches(X509Certificate cert, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            // Bouncy Castle, installed as a provider for acme4j, names its EC keys ECDSA.
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // Also a key of another algorithm than the certificate's: the verifier refuses its public key.
            return false;
        }
    }

    /** The DNS names in the certificate's subjectAltName, lower case; clients ignore the subject's CN. */
    public static List<String> dnsNames(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (entry.size() >= 2 && entry.get(0) instanceof Integer type && type == DNS_NAME
                            && entry.get(1) instanceof String name) {
                        names.add(HostPatterns.normalize(name));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        return names;
    }

    /** Whether one of {@code dnsNames} covers {@code domain} (exact, or a wildcard name over it). */
    public static boolean covers(List<String> dnsNames, String domain) {
        return dnsNames.stream().anyMatch(name -> HostPatterns.matches(name, domain));
    }
}
