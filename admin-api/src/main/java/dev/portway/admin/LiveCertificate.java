package dev.portway.admin;

import java.time.Instant;
import java.util.List;

/**
 * A certificate this node serves on its https port.
 *
 * @param source    {@code acme} or {@code file}
 * @param state     {@code valid}, {@code renewal_failing} (the certificate in use stays) or {@code expired}
 * @param lastError why the last renewal failed; null when it did not
 */
public record LiveCertificate(String name, List<String> domains, String issuer, Instant notBefore, Instant notAfter,
                              String source, String state, String lastError) {
    public LiveCertificate {
        domains = List.copyOf(domains);
    }
}
