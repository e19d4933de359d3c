package dev.portway.server.admin;

import dev.portway.admin.LiveCertificate;
import dev.portway.server.acme.AcmeCertificates;
import dev.portway.server.acme.AcmeService;
import dev.portway.server.acme.IssuedCertificate;
import dev.portway.server.https.CertificateFiles;
import dev.portway.server.https.ConfiguredCertificates;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The certificates of this node's https port for the admin API: the files of {@code https.certificates} and what
 * {@code https.acme} has issued, each with its state. Threading: any thread; the sources are read as snapshots.
 */
public final class ServedCertificates implements Supplier<List<LiveCertificate>> {
    private final CertificateFiles files;
    private final AcmeCertificates acme;
    /** Null without {@code https.acme}. */
    private final Supplier<AcmeService> acmeService;
    private final Clock clock;

    public ServedCertificates(CertificateFiles files, AcmeCertificates acme, Supplier<AcmeService> acmeService,
                              Clock clock) {
        this.files = files;
        this.acme = acme;
        this.acmeService = acmeService;
        this.clock = clock;
    }

    @Override
    public List<LiveCertificate> get() {
        Instant now = clock.instant();
        List<LiveCertificate> served = new ArrayList<>();
        for (ConfiguredCertificates.Loaded file : files.loaded()) {
            served.add(view(file.domains().get(0), file.domains(), file.leaf(), "file", null, now));
        }
        AcmeService service = acmeService.get();
        for (IssuedCertificate issued : acme.all()) {
            String error = service == null ? null : service.lastError(issued.name()).orElse(null);
            served.add(view(issued.name(), issued.domains(), issued.leaf(), "acme", error, now));
        }
        return served;
    }

    private static LiveCertificate view(String name, List<String> domains, X509Certificate leaf, String source,
                                        String lastError, Instant now) {
        Instant notAfter = leaf.getNotAfter().toInstant();
        String state = now.isAfter(notAfter) ? "expired" : lastError != null ? "renewal_failing" : "valid";
        return new LiveCertificate(name, domains, leaf.getIssuerX500Principal().getName(),
                leaf.getNotBefore().toInstant(), notAfter, source, state, lastError);
    }
}
