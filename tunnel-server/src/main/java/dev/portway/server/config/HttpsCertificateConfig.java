package dev.portway.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One certificate the https listener serves: a PEM chain and its private key, for the host names in
 * {@code domains}. The loader has checked that the key belongs to the certificate and that the certificate covers
 * every domain.
 *
 * @param domains lower-case host names, exact ({@code www.example.org}) or one-label wildcards ({@code *.example.org})
 */
public record HttpsCertificateConfig(List<String> domains, Path cert, Path key) {
    public HttpsCertificateConfig {
        domains = List.copyOf(domains);
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("a certificate needs at least one domain");
        }
    }
}
