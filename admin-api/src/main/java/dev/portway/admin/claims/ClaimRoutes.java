package dev.portway.admin.claims;

import dev.portway.admin.audit.Auditor;
import dev.portway.admin.http.Access;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.Route;
import dev.portway.admin.problem.ApiException;
import dev.portway.admin.tunnels.HostNames;
import dev.portway.admin.users.VisibleUser;
import dev.portway.storage.Storage;
import dev.portway.storage.claims.Claim;
import dev.portway.storage.claims.ClaimKind;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Reservations of hosts and ports. A user reserves hosts for itself; a custom domain it reserves must then be proven
 * with a DNS TXT record before a server that requires proof serves it. An admin reserves for anyone, vouches for the
 * domains it reserves, and alone reserves ports and wildcards under the server's own domain.
 */
public final class ClaimRoutes {
    private final Storage storage;
    private final Auditor auditor;
    private final ClaimSettings settings;

    public ClaimRoutes(Storage storage, Auditor auditor, ClaimSettings settings) {
        this.storage = storage;
        this.auditor = auditor;
        this.settings = settings;
    }

    public List<Route> routes() {
        return List.of(
                Route.route("POST", "/api/v1/claims", "reserveClaim")
                        .summary("Reserve a host or port to a user (yourself unless an admin names another); a custom"
                                + " domain reserved by a user comes with the DNS TXT record that proves it")
                        .request(BodyShape.of(ReserveClaim.class))
                        .response(201, BodyShape.of(ClaimView.class))
                        .errors(400, 403, 404, 409, 413, 422)
                        .handler(this::reserve),
                Route.route("GET", "/api/v1/claims", "listClaims")
                        .summary("List every claim: hosts taken by registrations and reservations (admin)")
                        .response(200, BodyShape.listOf(ClaimView.class))
                        .access(Access.ADMIN)
                        .handler(call -> storage.claims().list(null).thenApply(ClaimRoutes::listed)),
                Route.route("GET", "/api/v1/users/{id}/claims", "listUserClaims")
                        .summary("List the hosts and ports a user holds")
                        .response(200, BodyShape.listOf(ClaimView.class))
                        .errors(403, 404)
                        .handler(call -> VisibleUser.of(call, storage)
                                .thenCompose(user -> storage.claims().list(user.id()))
                                .thenApply(ClaimRoutes::listed)),
                Route.route("POST", "/api/v1/claims/host/{name}/verify", "verifyClaim")
                        .summary("Check the DNS TXT record that proves a reserved custom domain; once found, tunnels"
                                + " may serve it where the server requires proof")
                        .response(200, BodyShape.of(ClaimView.class))
                        .errors(403, 404, 422)
                        .handler(this::verify),
                Route.route("DELETE", "/api/v1/claims/{kind}/{name}", "releaseClaim")
                        .summary("Release a host or port: any user may take it from now on")
                        .response(200, BodyShape.of(ClaimView.class))
                        .errors(403, 404, 422)
                        .handler(this::release));
    }

    private static AdminResponse listed(List<Claim> claims) {
        return Json.response(200, claims.stream().map(ClaimView::of).toList());
    }

    private CompletableFuture<AdminResponse> reserve(Call call) {
        ReserveClaim request = call.body(ReserveClaim.class);
        ClaimKind kind = kind(request.kind(), "kind");
        String name = name(kind, request.name(), "name");
        long userId = request.userId() == null ? call.operator().userId() : request.userId();
        call.operator().requireOwnerOrAdmin(userId, "User " + userId);
        boolean admin = call.operator().isAdmin();
        if (kind == ClaimKind.PORT && !admin) {
            throw ApiException.forbidden("Ports are reserved by an admin");
        }
        if (kind == ClaimKind.HOST && name.startsWith("*.") && settings.underServerDomain(name) && !admin) {
            throw ApiException.forbidden("Wildcards under " + settings.serverDomain() + " are reserved by an admin");
        }
        boolean vouched = admin || settings.underServerDomain(name);
        return storage.users().findById(userId)
                .thenApply(user -> user.orElseThrow(() -> ApiException.notFound("No user " + userId)))
                .thenCompose(user -> storage.claims().reserve(userId, kind, name, vouched))
                .thenCompose(claim -> auditor.record(call.operator(), "claim.reserve", target(claim),
                                Map.of("userId", userId, "verified", claim.verified()))
                        .thenApply(ignored -> Json.response(201, ClaimView.of(claim))));
    }

    private CompletableFuture<AdminResponse> verify(Call call) {
        String name = name(ClaimKind.HOST, call.pathParameter("name"), "name");
        return owned(call, ClaimKind.HOST, name).thenCompose(claim -> {
            if (claim.verified()) {
                return CompletableFuture.completedFuture(Json.response(200, ClaimView.of(claim)));
            }
            String record = ClaimSettings.proofName(name);
            return settings.proofs().txt(record).handle((texts, failure) -> {
                if (failure != null) {
                    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                    throw ApiException.unavailable("Cannot look up " + record + ": " + cause.getMessage());
                }
                return texts;
            }).thenCompose(texts -> {
                if (!texts.contains(claim.proofToken())) {
                    throw ApiException.invalid("name", "publish a DNS TXT record " + record + " with the value "
                            + claim.proofToken() + ", then ask again; the name servers answered "
                            + (texts.isEmpty() ? "no TXT record" : texts));
                }
                return storage.claims().markVerified(ClaimKind.HOST, name);
            }).thenCompose(verified -> auditor.record(call.operator(), "claim.verify", target(verified),
                            Map.of("userId", verified.userId()))
                    .thenApply(ignored -> Json.response(200, ClaimView.of(verified))));
        });
    }

    private CompletableFuture<AdminResponse> release(Call call) {
        ClaimKind kind = kind(call.pathParameter("kind"), "kind");
        String name = name(kind, call.pathParameter("name"), "name");
        return owned(call, kind, name).thenCompose(claim -> storage.claims().release(kind, name))
                .thenCompose(released -> auditor.record(call.operator(), "claim.release", target(released),
                                Map.of("userId", released.userId()))
                        .thenApply(ignored -> Json.response(200, ClaimView.of(released))));
    }

    /** The claim, once the caller is known to hold it (or to be an admin). */
    private CompletableFuture<Claim> owned(Call call, ClaimKind kind, String name) {
        return storage.claims().find(kind, name).thenApply(found -> {
            Claim claim = found.orElseThrow(() -> ApiException.notFound("No claim on " + kind.dbName() + " " + name));
            call.operator().requireOwnerOrAdmin(claim.userId(), "The claim on " + name);
            return claim;
        });
    }

    private static ClaimKind kind(String value, String field) {
        return ClaimKind.parse(value).orElseThrow(() -> ApiException.invalid(field, "expected host or port"));
    }

    /** A host in lower case (exact or one wildcard label), or a port in decimal without leading zeros. */
    private static String name(ClaimKind kind, String value, String field) {
        if (value == null) {
            throw ApiException.invalid(field, "required");
        }
        if (kind == ClaimKind.PORT) {
            try {
                int port = Integer.parseInt(value);
                if (port >= 1 && port <= 65535) {
                    return Integer.toString(port);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw ApiException.invalid(field, "expected a port from 1 to 65535");
        }
        String host = value.toLowerCase(Locale.ROOT);
        if (!HostNames.isHostOrWildcard(host)) {
            throw ApiException.invalid(field, "expected a host name such as app.example.com or *.example.com");
        }
        return host;
    }

    private static String target(Claim claim) {
        return "claim:" + claim.kind().dbName() + ":" + claim.name();
    }

    /**
     * @param kind   {@code host} or {@code port}
     * @param name   a host ({@code shop.example.com}, {@code *.example.com}) or a port number
     * @param userId who gets it; the caller's own user when absent (only an admin names another)
     */
    record ReserveClaim(String kind, String name, Long userId) {
    }

    /**
     * A claim as listed. {@code proof} names the TXT record to publish while a reserved domain is not yet verified.
     */
    public record ClaimView(String kind, String name, long userId, String user, boolean reserved, boolean verified,
                            Proof proof, String created, String lastUsed) {
        static ClaimView of(Claim claim) {
            Proof proof = claim.proofToken() == null ? null
                    : new Proof("TXT", ClaimSettings.proofName(claim.name()), claim.proofToken());
            return new ClaimView(claim.kind().dbName(), claim.name(), claim.userId(), claim.userName(),
                    claim.reserved(), claim.verified(), proof, Json.time(claim.created()), Json.time(claim.lastUsed()));
        }
    }

    /** The DNS record that proves a domain: {@code type} {@code name} with {@code value}. */
    public record Proof(String type, String name, String value) {
    }
}
