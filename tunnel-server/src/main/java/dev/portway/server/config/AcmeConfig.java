package dev.portway.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code https.acme}: certificates ordered from an ACME (RFC 8555) certificate authority for the names in
 * {@link #domains}, answered by the server's own listeners, stored (keys encrypted) and renewed by the server.
 *
 * @param directory      the CA's directory URL
 * @param email          contact address given to the CA; null: none
 * @param domains        names to hold a certificate for, exact or {@code *.domain} (with {@link #DNS_01}); one
 *                       certificate per name
 * @param challenges     challenge types offered, in order of preference ({@link #HTTP_01}, {@link #TLS_ALPN_01},
 *                       {@link #DNS_01})
 * @param eab            External Account Binding for CAs that require one; null: none
 * @param trustedCa      PEM file of the CA that signed the ACME server's own TLS certificate, for private CAs;
 *                       null: the JVM's trust store
 * @param checkInterval  how often stored certificates are checked for renewal
 * @param storageKeyFile the AES key that encrypts private keys at rest; null: {@code acme/storage.key} under dataDir,
 *                       created on first start
 * @param dnsHook        the operator's program that publishes ({@code set}) and removes ({@code remove}) the TXT
 *                       record of a dns-01 challenge; null: no dns-01
 * @param onDemand       whether the custom domains of http tunnels get certificates when the tunnels register;
 *                       default {@link #DEFAULT_ON_DEMAND}
 * @param probePort      the port a custom domain is probed on before its order: where the CA's http-01 validation
 *                       arrives, {@link #DEFAULT_PROBE_PORT} but for test CAs
 */
public record AcmeConfig(URI directory, String email, List<String> domains, List<String> challenges,
                         ExternalAccount eab, Path trustedCa, Duration checkInterval, Path storageKeyFile,
                         Path dnsHook, boolean onDemand, int probePort) {
    public static final String HTTP_01 = "http-01";
    public static final String TLS_ALPN_01 = "tls-alpn-01";
    public static final String DNS_01 = "dns-01";
    public static final Set<String> CHALLENGE_TYPES = Set.of(HTTP_01, TLS_ALPN_01, DNS_01);
    public static final List<String> DEFAULT_CHALLENGES = List.of(HTTP_01, TLS_ALPN_01);
    public static final URI LETSENCRYPT = URI.create("https://acme-v02.api.letsencrypt.org/directory");
    public static final URI LETSENCRYPT_STAGING = URI.create("https://acme-staging-v02.api.letsencrypt.org/directory");
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofHours(1);
    /** Off: a user's tunnel should not make the server place orders unless the operator chose so. */
    public static final boolean DEFAULT_ON_DEMAND = false;
    public static final int DEFAULT_PROBE_PORT = 80;

    /** A key identifier and the base64url MAC key the CA gave out of band. */
    public record ExternalAccount(String keyId, String hmacKey) {
        public ExternalAccount {
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(hmacKey, "hmacKey");
        }

        @Override
        public String toString() {
            return "ExternalAccount[keyId=" + keyId + "]";
        }
    }

    public AcmeConfig {
        Objects.requireNonNull(directory, "directory");
        domains = List.copyOf(domains);
        challenges = challenges == null || challenges.isEmpty()
                ? (dnsHook == null ? DEFAULT_CHALLENGES : List.of(HTTP_01, TLS_ALPN_01, DNS_01))
                : List.copyOf(challenges);
        checkInterval = checkInterval == null ? DEFAULT_CHECK_INTERVAL : checkInterval;
        probePort = probePort == 0 ? DEFAULT_PROBE_PORT : probePort;
    }

    /** Without certificates on demand. */
    public AcmeConfig(URI directory, String email, List<String> domains, List<String> challenges,
                      ExternalAccount eab, Path trustedCa, Duration checkInterval, Path storageKeyFile, Path dnsHook) {
        this(directory, email, domains, challenges, eab, trustedCa, checkInterval, storageKeyFile, dnsHook,
                DEFAULT_ON_DEMAND, DEFAULT_PROBE_PORT);
    }

    /** These settings with certificates on demand switched {@code on}, probed on {@code port}. */
    public AcmeConfig withOnDemand(boolean on, int port) {
        return new AcmeConfig(directory, email, domains, challenges, eab, trustedCa, checkInterval, storageKeyFile,
                dnsHook, on, port);
    }
}
