package dev.portway.admin.tunnels;

import dev.portway.admin.http.ListParams;
import dev.portway.storage.tunnels.TunnelRepository;
import dev.portway.admin.PushResult;
import dev.portway.admin.TunnelPusher;
import dev.portway.admin.audit.Auditor;
import dev.portway.admin.auth.Operator;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.Route;
import dev.portway.admin.problem.ApiException;
import dev.portway.admin.tunnels.TunnelRequests.CreateTunnel;
import dev.portway.admin.tunnels.TunnelRequests.UpdateTunnel;
import dev.portway.admin.tunnels.TunnelViews.CreatedTunnelView;
import dev.portway.admin.tunnels.TunnelViews.TunnelView;
import dev.portway.storage.Storage;
import dev.portway.storage.tunnels.Tunnel;
import dev.portway.storage.tunnels.TunnelDraft;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Tunnels: a user key creates, reads, changes and deletes its own; an admin key any user's. */
public final class TunnelRoutes {
    private static final ListParams PAGING = new ListParams(TunnelRepository.SORTS, "id", 0);
    private static final Logger log = LoggerFactory.getLogger(TunnelRoutes.class);
    /** A client that does not answer a push within this time is reported as pending, not waited for. */
    private static final long PUSH_TIMEOUT_SECONDS = 5;

    private final Storage storage;
    private final Auditor auditor;
    private final TunnelPusher pusher;
    private final OwnedTunnels owned;

    public TunnelRoutes(Storage storage, Auditor auditor, TunnelPusher pusher) {
        this.storage = storage;
        this.auditor = auditor;
        this.pusher = pusher;
        this.owned = new OwnedTunnels(storage.tunnels());
    }

    public List<Route> routes() {
        return List.of(
                Route.route("POST", "/api/v1/tunnels", "createTunnel")
                        .summary("Create a tunnel and push it to the owner's connected client")
                        .request(BodyShape.of(CreateTunnel.class))
                        .response(201, BodyShape.of(CreatedTunnelView.class))
                        .errors(400, 409, 413, 422)
                        .handler(this::create),
                Route.route("GET", "/api/v1/tunnels", "listTunnels")
                        .summary("List tunnels (a user key sees only its own); q looks in name, subdomain and target")
                        .query(PAGING.parameters())
                        .response(200, BodyShape.listOf(TunnelView.class))
                        .errors(422)
                        .handler(this::list),
                Route.route("GET", "/api/v1/tunnels/{id}", "getTunnel")
                        .summary("Get a tunnel")
                        .response(200, BodyShape.of(TunnelView.class))
                        .errors(404)
                        .handler(call -> owned.load(call.operator(), call.idParameter("id"))
                                .thenApply(tunnel -> Json.response(200, TunnelView.of(tunnel)))),
                Route.route("PATCH", "/api/v1/tunnels/{id}", "updateTunnel")
                        .summary("Change some fields of a tunnel; absent fields keep their value")
                        .request(BodyShape.of(UpdateTunnel.class))
                        .response(200, BodyShape.of(TunnelView.class))
                        .errors(400, 404, 409, 413, 422)
                        .handler(this::update),
                Route.route("DELETE", "/api/v1/tunnels/{id}", "deleteTunnel")
                        .summary("Delete a tunnel")
                        .response(204, BodyShape.NONE)
                        .errors(404)
                        .handler(this::delete));
    }

    private CompletableFuture<AdminResponse> create(Call call) {
        Operator operator = call.operator();
        CreateTunnel request = call.body(CreateTunnel.class);
        long ownerId = request.ownerId() == null ? operator.userId() : request.ownerId();
        if (!operator.mayAccess(ownerId)) {
            throw ApiException.forbidden("A user key creates tunnels only for its own user");
        }
        TunnelDraft draft = TunnelValidator.draft(ownerId, request.name(), request.type(), request.remotePort(),
                request.subdomain(), request.customDomains(), request.locations(), request.localTarget(),
                request.enabled() == null || request.enabled(),
                new TunnelOptions(request.ipAllow(), request.ipDeny(), request.rateLimit(), request.maxConnections(),
                        request.bandwidthLimit()));
        return storage.users().findById(ownerId).thenCompose(owner -> {
            if (owner.isEmpty()) {
                throw ApiException.invalid("ownerId", "no user " + ownerId);
            }
            return storage.tunnels().create(draft);
        }).thenCompose(tunnel -> push(tunnel).thenCompose(push ->
                auditor.record(operator, "tunnel.create", target(tunnel.id()), auditDetail(tunnel, push))
                        .thenApply(ignored -> Json.response(201, new CreatedTunnelView(TunnelView.of(tunnel), push),
                                Map.of("Location", "/api/v1/tunnels/" + tunnel.id())))));
    }

    /** The tunnel is stored whatever happens here: a failed or slow push is reported, never an error. */
    private CompletableFuture<PushResult> push(Tunnel tunnel) {
        CompletableFuture<PushResult> pushed;
        try {
            pushed = pusher.push(tunnel.ownerId(), tunnel);
        } catch (RuntimeException e) {
            pushed = CompletableFuture.failedFuture(e);
        }
        return pushed.orTimeout(PUSH_TIMEOUT_SECONDS, TimeUnit.SECONDS).handle((result, failure) -> {
            if (failure == null && result != null) {
                return result;
            }
            log.warn("Push of tunnel {} to user {} failed: {}", tunnel.id(), tunnel.ownerId(),
                    failure == null ? "no result" : failure.toString());
            boolean timedOut = failure instanceof TimeoutException || failure instanceof CompletionException
                    && failure.getCause() instanceof TimeoutException;
            return PushResult.pending(timedOut ? "the client did not answer the push in time"
                    : "the push to the client failed");
        });
    }

    private CompletableFuture<AdminResponse> list(Call call) {
        Operator operator = call.operator();
        return storage.tunnels().page(operator.isAdmin() ? null : operator.userId(), PAGING.read(call))
                .thenApply(page -> ListParams.response(page, TunnelView::of));
    }

    private CompletableFuture<AdminResponse> update(Call call) {
        long id = call.idParameter("id");
        UpdateTunnel request = call.body(UpdateTunnel.class);
        return owned.load(call.operator(), id).thenCompose(current -> {
            TunnelDraft draft = TunnelValidator.draft(current.ownerId(),
                    or(request.name(), current.name()),
                    or(request.type(), current.type().wireName()),
                    or(request.remotePort(), current.remotePort()),
                    or(request.subdomain(), current.subdomain()),
                    or(request.customDomains(), current.customDomains()),
                    or(request.locations(), current.locations()),
                    or(request.localTarget(), current.localTarget()),
                    or(request.enabled(), current.enabled()),
                    options(request, TunnelOptions.parse(current.optionsJson())));
            return storage.tunnels().update(id, draft)
                    .thenCompose(updated -> reroute(current, updated).thenApply(push -> Map.entry(updated, push)));
        }).thenCompose(changed -> auditor.record(call.operator(), "tunnel.update", target(id),
                        auditDetail(changed.getKey(), changed.getValue().orElse(null)))
                .thenApply(ignored -> Json.response(200, TunnelView.of(changed.getKey()))));
    }

    /** The stored options with the fields the request names replaced. */
    private static TunnelOptions options(UpdateTunnel request, TunnelOptions current) {
        return new TunnelOptions(or(request.ipAllow(), current.ipAllow()), or(request.ipDeny(), current.ipDeny()),
                or(request.rateLimit(), current.rateLimit()), or(request.maxConnections(), current.maxConnections()),
                or(request.bandwidthLimit(), current.bandwidthLimit()));
    }

    /** Anything the client registers, or the server routes by, changed: the running tunnel is taken back and pushed anew. */
    private CompletableFuture<Optional<PushResult>> reroute(Tunnel before, Tunnel after) {
        boolean routingChanged = !before.name().equals(after.name()) || before.type() != after.type()
                || !Objects.equals(before.remotePort(), after.remotePort())
                || !Objects.equals(before.localTarget(), after.localTarget()) || before.enabled() != after.enabled()
                || !Objects.equals(before.subdomain(), after.subdomain())
                || !before.customDomains().equals(after.customDomains())
                || !before.locations().equals(after.locations())
                || !TunnelOptions.parse(before.optionsJson()).equals(TunnelOptions.parse(after.optionsJson()));
        if (!routingChanged) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return remove(before).thenCompose(ignored -> after.enabled()
                ? push(after).thenApply(Optional::of)
                : CompletableFuture.completedFuture(Optional.empty()));
    }

    private CompletableFuture<AdminResponse> delete(Call call) {
        long id = call.idParameter("id");
        return owned.load(call.operator(), id)
                .thenCompose(tunnel -> storage.tunnels().delete(id).thenCompose(existed -> {
                    if (!existed) {
                        throw ApiException.notFound("No tunnel " + id);
                    }
                    return remove(tunnel).thenCompose(ignored -> auditor.record(call.operator(), "tunnel.delete",
                            target(id), Map.of("name", tunnel.name(), "ownerId", tunnel.ownerId())));
                }))
                .thenApply(ignored -> AdminResponse.noContent());
    }

    /** Best effort like {@link #push}: the stored change stands even when the running tunnel cannot be closed. */
    private CompletableFuture<Void> remove(Tunnel tunnel) {
        CompletableFuture<Void> removed;
        try {
            removed = pusher.remove(tunnel.ownerId(), tunnel);
        } catch (RuntimeException e) {
            removed = CompletableFuture.failedFuture(e);
        }
        return removed.orTimeout(PUSH_TIMEOUT_SECONDS, TimeUnit.SECONDS).handle((ignored, failure) -> {
            if (failure != null) {
                log.warn("Closing tunnel {} of user {} on the server failed: {}", tunnel.id(), tunnel.ownerId(),
                        failure.toString());
            }
            return null;
        });
    }

    private static Map<String, Object> auditDetail(Tunnel tunnel, PushResult push) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("ownerId", tunnel.ownerId());
        detail.put("name", tunnel.name());
        detail.put("type", tunnel.type().wireName());
        detail.put("remotePort", tunnel.remotePort());
        detail.put("subdomain", tunnel.subdomain());
        detail.put("customDomains", tunnel.customDomains());
        detail.put("localTarget", tunnel.localTarget());
        detail.put("enabled", tunnel.enabled());
        if (push != null) {
            detail.put("push", push.status());
        }
        return detail;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    private static String target(long id) {
        return "tunnel:" + id;
    }
}
