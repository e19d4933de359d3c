package dev.portway.server.https;

import dev.portway.server.config.HttpsCertificateConfig;
import io.netty.handler.ssl.SslContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The certificates of {@code https.certificates}, read again from their files on a reload, and when the files change
 * ({@link #reloadIfChanged}, polled): a renewed certificate is served from the next handshake on, without a restart.
 * A set that fails to load leaves the one in use in place.
 *
 * <p>Threading: {@link #contextFor} from any thread; {@link #reload} and {@link #reloadIfChanged} from any thread,
 * one at a time.
 */
public final class CertificateFiles implements CertificateSource {
    /** What identifies a file's content without reading it: a replaced or rewritten file changes one of these. */
    private record Stamp(Path file, long modifiedMillis, long size, Object key) {
    }

    private volatile ConfiguredCertificates current;
    private List<HttpsCertificateConfig> listed;
    private List<Stamp> stamps;

    private CertificateFiles(ConfiguredCertificates current, List<HttpsCertificateConfig> listed) {
        this.current = current;
        this.listed = listed;
        this.stamps = stamps(listed);
    }

    /** At start: a file that cannot be read stops the server. */
    public static CertificateFiles load(List<HttpsCertificateConfig> certificates)
            throws IOException, GeneralSecurityException {
        return new CertificateFiles(ConfiguredCertificates.load(certificates), List.copyOf(certificates));
    }

    /** Serves {@code certificates} from now on; when one of them cannot be loaded, keeps the old set and says why. */
    public synchronized Optional<String> reload(List<HttpsCertificateConfig> certificates) {
        List<Stamp> seen = stamps(certificates);
        try {
            current = ConfiguredCertificates.load(certificates);
            return Optional.empty();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        } finally {
            // A bad file is tried again only once it changes again, not at every poll.
            listed = List.copyOf(certificates);
            stamps = seen;
        }
    }

    /**
     * Loads the listed files again when one of them changed since they were last read: empty when nothing changed,
     * else the outcome of {@link #reload} (empty message when the new files are served).
     */
    public synchronized Optional<Optional<String>> reloadIfChanged() {
        if (stamps(listed).equals(stamps)) {
            return Optional.empty();
        }
        return Optional.of(reload(listed));
    }

    private static List<Stamp> stamps(List<HttpsCertificateConfig> certificates) {
        List<Stamp> stamps = new ArrayList<>();
        for (HttpsCertificateConfig entry : certificates) {
            stamps.add(stamp(entry.cert()));
            stamps.add(stamp(entry.key()));
        }
        return stamps;
    }

    private static Stamp stamp(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(file, attributes.lastModifiedTime().toMillis(), attributes.size(),
                    attributes.fileKey());
        } catch (IOException e) {
            return new Stamp(file, -1, -1, null);
        }
    }

    @Override
    public Optional<SslContext> contextFor(String host) {
        return current.contextFor(host);
    }

    /** The certificates served now. */
    public List<ConfiguredCertificates.Loaded> loaded() {
        return current.loaded();
    }

    /** How many domains have a certificate now. */
    public int domains() {
        return current.domains();
    }
}
