package dev.portway.admin;

import java.time.Instant;
import java.util.List;

/**
 * A certificate this node serves on its https port, or one it is getting from the ACME CA and does not have yet.
 *
 * @param issuer    null while there is no certificate yet (as are {@code notBefore} and {@code notAfter})
 * @param source    {@code acme} or {@code file}
 * @param origin    why an {@code acme} certificate is kept: {@code config} (https.acme.domains), {@code api} (requested
 *                  by an operator), {@code tunnel} (an http tunnel's custom domain); null for files and for stored
 *                  certificates no longer wanted
 * @param state     {@code valid}, {@code renewal_failing} (the certificate in use stays), {@code expired},
 *                  {@code pending} (no certificate yet, being ordered) or {@code failing} (no certificate yet, the
 *                  last order or probe failed)
 * @param lastError why the last order or probe failed; null when it did not
 * @param retryAt   when a failing name is tried again; null when it is not failing
 */
public record LiveCertificate(String name, List<String> domains, String issuer, Instant notBefore, Instant notAfter,
                              String source, String origin, String state, String lastError, Instant retryAt) {
    public static final String ACME = "acme";
    public static final String FILE = "file";

    public LiveCertificate {
        domains = List.copyOf(domains);
    }
}
