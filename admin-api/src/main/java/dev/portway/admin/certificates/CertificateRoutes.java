package dev.portway.admin.certificates;

import dev.portway.admin.LiveCertificate;
import dev.portway.admin.LiveServerView;
import dev.portway.admin.audit.Auditor;
import dev.portway.admin.http.Access;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.Route;
import dev.portway.admin.problem.ApiException;
import dev.portway.admin.tunnels.HostNames;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/v1/certificates}: what this node's https port serves, from files and from the ACME CA, and the ACME
 * certificates an operator asks for or lets go. Names are checked here; whether the server may get one is the live
 * server's answer.
 */
public final class CertificateRoutes {
    private final LiveServerView liveServer;
    private final Auditor auditor;

    public CertificateRoutes(LiveServerView liveServer, Auditor auditor) {
        this.liveServer = liveServer;
        this.auditor = auditor;
    }

    public record CertificateView(String name, List<String> domains, String issuer, String notBefore,
                                  String notAfter, String source, String origin, String state, String lastError,
                                  String retryAt) {
        static CertificateView of(LiveCertificate certificate) {
            return new CertificateView(certificate.name(), certificate.domains(), certificate.issuer(),
                    Json.time(certificate.notBefore()), Json.time(certificate.notAfter()), certificate.source(),
                    certificate.origin(), certificate.state(), certificate.lastError(),
                    Json.time(certificate.retryAt()));
        }
    }

    /** @param domain a host name, or {@code *.domain} where the server validates by dns-01 */
    public record CertificateRequest(String domain) {
    }

    public List<Route> routes() {
        return List.of(Route.route("GET", "/api/v1/certificates", "listCertificates")
                        .summary("Certificates this server node serves on its https port, and those it is ordering,"
                                + " with their state")
                        .access(Access.ADMIN)
                        .response(200, BodyShape.listOf(CertificateView.class))
                        .handler(this::list),
                Route.route("POST", "/api/v1/certificates", "requestCertificate")
                        .summary("Have a certificate ordered from the ACME CA for a domain and kept renewed by every"
                                + " node; answers at once with the entry, state pending")
                        .access(Access.ADMIN)
                        .request(BodyShape.of(CertificateRequest.class))
                        .response(202, BodyShape.of(CertificateView.class))
                        .errors(400, 409, 413, 422)
                        .handler(this::request),
                Route.route("DELETE", "/api/v1/certificates/{name}", "deleteCertificate")
                        .summary("Stop serving and renewing a certificate requested through the API or for a"
                                + " tunnel, on every node")
                        .access(Access.ADMIN)
                        .response(204, BodyShape.NONE)
                        .errors(404, 409, 422)
                        .handler(this::delete));
    }

    private CompletableFuture<AdminResponse> list(Call call) {
        return CompletableFuture.completedFuture(Json.response(200,
                liveServer.certificates().stream().map(CertificateView::of).toList()));
    }

    private CompletableFuture<AdminResponse> request(Call call) {
        String domain = domain(call.body(CertificateRequest.class).domain(), "domain");
        return liveServer.requestCertificate(domain).toCompletableFuture()
                .thenCompose(entry -> auditor.record(call.operator(), "certificate.request", "certificate:" + domain,
                                Map.of("state", entry.state()))
                        .thenApply(ignored -> Json.response(202, CertificateView.of(entry))));
    }

    private CompletableFuture<AdminResponse> delete(Call call) {
        String name = domain(call.pathParameter("name"), "name");
        return liveServer.deleteCertificate(name).toCompletableFuture()
                .thenCompose(ignored -> auditor.record(call.operator(), "certificate.delete", "certificate:" + name,
                        Map.of()))
                .thenApply(ignored -> AdminResponse.noContent());
    }

    /** A host name or a wildcard over one, lower case. */
    private static String domain(String written, String field) {
        if (written == null || written.isBlank()) {
            throw ApiException.invalid(field, "expected a domain such as www.example.org");
        }
        String domain = written.toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        // A CA validates IP addresses differently (RFC 8738), and this server orders for DNS names only.
        if (!HostNames.isHostOrWildcard(domain) || domain.substring(domain.lastIndexOf('.') + 1).matches("[0-9]+")) {
            throw ApiException.invalid(field, "expected a host name such as www.example.org or *.example.org, got \""
                    + written + "\"");
        }
        return domain;
    }
}
