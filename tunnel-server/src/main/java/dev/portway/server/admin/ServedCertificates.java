package dev.portway.server.admin;

import dev.portway.admin.LiveCertificate;
import dev.portway.admin.LiveServerView;
import dev.portway.admin.problem.ApiException;
import dev.portway.protocol.control.HostPatterns;
import dev.portway.server.acme.AcmeCertificates;
import dev.portway.server.acme.AcmeService;
import dev.portway.server.acme.IssuedCertificate;
import dev.portway.server.config.AcmeConfig;
import dev.portway.server.https.CertificateFiles;
import dev.portway.server.https.ConfiguredCertificates;
import dev.portway.storage.certificates.AcmeRequest;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The certificates of this node's https port for the admin API: the files of {@code https.certificates} and what
 * {@code https.acme} has issued or is ordering, each with its state; and the requests and deletions of ACME
 * certificates, refused here when the configuration holds the name.
 *
 * <p>Threading: any thread; the sources are read as snapshots, and changes run on the ACME thread.
 */
public final class ServedCertificates {
    private final CertificateFiles files;
    private final AcmeCertificates acme;
    /** Null without {@code https.acme}. */
    private final AcmeConfig acmeConfig;
    /** Gives null until {@code https.acme} has started, and always without it. */
    private final Supplier<AcmeService> acmeService;
    private final Clock clock;

    public ServedCertificates(CertificateFiles files, AcmeCertificates acme, AcmeConfig acmeConfig,
                              Supplier<AcmeService> acmeService, Clock clock) {
        this.files = files;
        this.acme = acme;
        this.acmeConfig = acmeConfig;
        this.acmeService = acmeService;
        this.clock = clock;
    }

    public List<LiveCertificate> list() {
        Instant now = clock.instant();
        List<LiveCertificate> listed = new ArrayList<>();
        for (ConfiguredCertificates.Loaded file : loadedFiles()) {
            listed.add(view(file.domains().get(0), file.domains(), file.leaf(), LiveCertificate.FILE, null, null,
                    now));
        }
        AcmeService service = acmeService.get();
        List<AcmeService.Wanted> wanted = service == null ? List.of() : service.wanted();
        Set<String> served = new HashSet<>();
        for (IssuedCertificate issued : acme.all()) {
            served.add(issued.name());
            Optional<AcmeService.Wanted> entry = wanted.stream().filter(w -> w.name().equals(issued.name()))
                    .findFirst();
            listed.add(view(issued.name(), issued.domains(), issued.leaf(), LiveCertificate.ACME,
                    entry.map(AcmeService.Wanted::origin).orElse(null), entry.orElse(null), now));
        }
        for (AcmeService.Wanted entry : wanted) {
            if (!served.contains(entry.name())) {
                listed.add(ordering(entry));
            }
        }
        return listed;
    }

    /** See {@link LiveServerView#requestCertificate}; {@code domain} is a checked host name or wildcard. */
    public CompletionStage<LiveCertificate> request(String domain) {
        AcmeService service = startedAcme();
        if (coveredByFile(domain)) {
            throw ApiException.conflict("domain", domain + " is served with a certificate file of "
                    + "https.certificates in server.yaml");
        }
        if (acmeConfig.domains().contains(domain)) {
            throw ApiException.conflict("domain", domain + " is listed in https.acme.domains already");
        }
        if (HostPatterns.isWildcard(domain) && !acmeConfig.challenges().contains(AcmeConfig.DNS_01)) {
            throw ApiException.invalid("domain", "a wildcard is validated by dns-01 only, and this server has no "
                    + "https.acme.dnsHook");
        }
        Optional<IssuedCertificate> issued = acme.served(domain);
        return service.request(domain, AcmeRequest.API).thenApply(entry -> issued
                .map(certificate -> view(certificate.name(), certificate.domains(), certificate.leaf(),
                        LiveCertificate.ACME, entry.origin(), entry, clock.instant()))
                .orElseGet(() -> ordering(entry)));
    }

    /** See {@link LiveServerView#deleteCertificate}. */
    public CompletionStage<Void> delete(String name) {
        if (loadedFiles().stream().anyMatch(file -> file.domains().get(0).equals(name))) {
            throw ApiException.conflict("name", name + " is a certificate file of https.certificates: remove it "
                    + "from server.yaml and reload");
        }
        AcmeService service = startedAcme();
        if (acmeConfig.domains().contains(name)) {
            throw ApiException.conflict("name", name + " is listed in https.acme.domains: remove it from "
                    + "server.yaml and restart to stop renewing it");
        }
        return service.delete(name).thenAccept(found -> {
            if (!found) {
                throw ApiException.notFound("No ACME certificate " + name);
            }
        });
    }

    private AcmeService startedAcme() {
        AcmeService service = acmeService.get();
        if (service == null) {
            throw LiveServerView.acmeDisabled();
        }
        return service;
    }

    private boolean coveredByFile(String domain) {
        return files != null && files.contextFor(domain).isPresent();
    }

    private List<ConfiguredCertificates.Loaded> loadedFiles() {
        return files == null ? List.of() : files.loaded();
    }

    private static LiveCertificate ordering(AcmeService.Wanted entry) {
        return new LiveCertificate(entry.name(), List.of(entry.name()), null, null, null, LiveCertificate.ACME,
                entry.origin(), entry.lastError() == null ? "pending" : "failing", entry.lastError(),
                entry.retryAt());
    }

    private static LiveCertificate view(String name, List<String> domains, X509Certificate leaf, String source,
                                        String origin, AcmeService.Wanted entry, Instant now) {
        Instant notAfter = leaf.getNotAfter().toInstant();
        String lastError = entry == null ? null : entry.lastError();
        String state = now.isAfter(notAfter) ? "expired" : lastError != null ? "renewal_failing" : "valid";
        return new LiveCertificate(name, domains, leaf.getIssuerX500Principal().getName(),
                leaf.getNotBefore().toInstant(), notAfter, source, origin, state, lastError,
                entry == null ? null : entry.retryAt());
    }
}
