package dev.portway.client.config;

import dev.portway.protocol.tls.CertificateFingerprint;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How the client verifies the server: exactly one of a pinned certificate fingerprint, a CA file, or — only when
 * asked for explicitly — no verification at all. A config with none of them is refused (fail closed).
 *
 * @param fingerprint SHA-256 of the server's leaf certificate as 64 lowercase hex digits without colons;
 *                    the constructor also accepts the {@code sha256:} form with colons and any case
 * @param ca PEM file with the CA certificates to trust; the server name is then verified against the certificate
 * @param insecure accept any certificate; logged loudly on every connection
 * @param serverName the name sent as SNI and verified in CA mode; null means the server's host
 */
public record ClientTlsConfig(String fingerprint, Path ca, boolean insecure, String serverName) {

    public static final String FINGERPRINT_PREFIX = CertificateFingerprint.PREFIX;
    private static final Pattern HEX_64 = Pattern.compile("[0-9a-f]{64}");

    public ClientTlsConfig {
        if (fingerprint != null) {
            fingerprint = normaliseFingerprint(fingerprint);
        }
        int modes = (fingerprint != null ? 1 : 0) + (ca != null ? 1 : 0) + (insecure ? 1 : 0);
        if (modes != 1) {
            throw new IllegalArgumentException("exactly one of fingerprint, ca or insecure must be set");
        }
        if (serverName != null && serverName.isBlank()) {
            serverName = null;
        }
    }

    public static ClientTlsConfig pinned(String fingerprint) {
        return new ClientTlsConfig(fingerprint, null, false, null);
    }

    public static ClientTlsConfig trustCa(Path caFile) {
        return new ClientTlsConfig(null, caFile, false, null);
    }

    public static ClientTlsConfig insecureNoVerification() {
        return new ClientTlsConfig(null, null, true, null);
    }

    public ClientTlsConfig withServerName(String name) {
        return new ClientTlsConfig(fingerprint, ca, insecure, name);
    }

    /** The fingerprint as the server prints it, {@code sha256:<hex>}; null when not pinned. */
    public String fingerprintWithPrefix() {
        return fingerprint == null ? null : FINGERPRINT_PREFIX + fingerprint;
    }

    /**
     * Accepts {@code sha256:AB:CD:...} or plain hex, any case, and returns 64 lowercase hex digits.
     *
     * @throws IllegalArgumentException if it is not a SHA-256 fingerprint
     */
    public static String normaliseFingerprint(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith(FINGERPRINT_PREFIX)) {
            s = s.substring(FINGERPRINT_PREFIX.length());
        }
        s = s.replace(":", "");
        if (!HEX_64.matcher(s).matches()) {
            throw new IllegalArgumentException("not a SHA-256 fingerprint (64 hex digits)");
        }
        return s;
    }

    /** The pinned fingerprint as raw bytes. */
    public byte[] fingerprintBytes() {
        return fingerprint == null ? null : HexFormat.of().parseHex(fingerprint);
    }
}
