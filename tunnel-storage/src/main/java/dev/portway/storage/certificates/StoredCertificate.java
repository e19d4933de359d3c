package dev.portway.storage.certificates;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One certificate as stored: its chain in PEM and its key pair sealed by the server (storage never sees it open).
 *
 * @param name the certificate's name, its first domain
 */
public record StoredCertificate(String name, List<String> domains, String chainPem, byte[] sealedKey,
                                Instant notBefore, Instant notAfter) {
    public StoredCertificate {
        Objects.requireNonNull(name, "name");
        domains = List.copyOf(domains);
        Objects.requireNonNull(chainPem, "chainPem");
        Objects.requireNonNull(sealedKey, "sealedKey");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
    }
}
