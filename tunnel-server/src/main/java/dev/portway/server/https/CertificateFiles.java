package dev.portway.server.https;

import dev.portway.server.config.HttpsCertificateConfig;
import io.netty.handler.ssl.SslContext;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;

/**
 * The certificates of {@code https.certificates}, read again from their files on a reload: a renewed certificate is
 * served from the next handshake on, without a restart. A set that fails to load leaves the one in use in place.
 *
 * <p>Threading: {@link #contextFor} from any thread; {@link #reload} from one thread at a time (the reload's).
 */
public final class CertificateFiles implements CertificateSource {
    private volatile ConfiguredCertificates current;

    private CertificateFiles(ConfiguredCertificates current) {
        this.current = current;
    }

    /** At start: a file that cannot be read stops the server. */
    public static CertificateFiles load(List<HttpsCertificateConfig> certificates)
            throws IOException, GeneralSecurityException {
        return new CertificateFiles(ConfiguredCertificates.load(certificates));
    }

    /** Serves {@code certificates} from now on; when one of them cannot be loaded, keeps the old set and says why. */
    public Optional<String> reload(List<HttpsCertificateConfig> certificates) {
        try {
            current = ConfiguredCertificates.load(certificates);
            return Optional.empty();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    @Override
    public Optional<SslContext> contextFor(String host) {
        return current.contextFor(host);
    }

    /** How many domains have a certificate now. */
    public int domains() {
        return current.domains();
    }
}
