package dev.portway.admin.certificates;

import dev.portway.admin.LiveCertificate;
import dev.portway.admin.LiveServerView;
import dev.portway.admin.http.Access;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.Route;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code GET /api/v1/certificates}: what this node's https port serves, from files and from the ACME CA. */
public final class CertificateRoutes {
    private final LiveServerView liveServer;

    public CertificateRoutes(LiveServerView liveServer) {
        this.liveServer = liveServer;
    }

    public record CertificateView(String name, List<String> domains, String issuer, String notBefore,
                                  String notAfter, String source, String state, String lastError) {
        static CertificateView of(LiveCertificate certificate) {
            return new CertificateView(certificate.name(), certificate.domains(), certificate.issuer(),
                    Json.time(certificate.notBefore()), Json.time(certificate.notAfter()), certificate.source(),
                    certificate.state(), certificate.lastError());
        }
    }

    public List<Route> routes() {
        return List.of(Route.route("GET", "/api/v1/certificates", "listCertificates")
                .summary("Certificates this server node serves on its https port, with their state")
                .access(Access.ADMIN)
                .response(200, BodyShape.listOf(CertificateView.class))
                .handler(this::list));
    }

    private CompletableFuture<AdminResponse> list(Call call) {
        return CompletableFuture.completedFuture(Json.response(200,
                liveServer.certificates().stream().map(CertificateView::of).toList()));
    }
}
