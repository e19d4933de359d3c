package dev.portway.server.acme;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A certificate the CA issued, with its key: what is stored, and served for {@link #domains}.
 *
 * @param name    the stored certificate's name: its first domain
 * @param chain   leaf first, as the CA sent it
 */
public record IssuedCertificate(String name, List<String> domains, List<X509Certificate> chain, KeyPair keyPair) {
    public IssuedCertificate {
        Objects.requireNonNull(name, "name");
        domains = List.copyOf(domains);
        chain = List.copyOf(chain);
        Objects.requireNonNull(keyPair, "keyPair");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs its leaf");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notBefore() {
        return leaf().getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** When it is renewed without word from the CA: after two thirds of its lifetime, as Let's Encrypt advises. */
    public Instant renewAt() {
        Duration lifetime = Duration.between(notBefore(), notAfter());
        return notBefore().plus(lifetime.multipliedBy(2).dividedBy(3));
    }

    @Override
    public String toString() {
        return "IssuedCertificate[name=" + name + ", domains=" + domains + ", notAfter=" + notAfter() + "]";
    }
}
