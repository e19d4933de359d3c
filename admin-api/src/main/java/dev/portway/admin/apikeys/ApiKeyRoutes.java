package dev.portway.admin.apikeys;

import dev.portway.admin.audit.Auditor;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.Route;
import dev.portway.admin.problem.ApiException;
import dev.portway.admin.users.UserValidator;
import dev.portway.admin.users.VisibleUser;
import dev.portway.admin.users.UserViews.ApiKeyView;
import dev.portway.storage.Storage;
import dev.portway.storage.apikeys.ApiKey;
import dev.portway.storage.apikeys.ApiKeyRole;
import dev.portway.storage.apikeys.IssuedApiKey;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * API keys of a user: issued (shown once), listed, revoked, rotated. A user key manages its own user's keys, but only
 * an admin key issues (or, by rotating, keeps) an admin key: a user cannot raise its own role.
 */
public final class ApiKeyRoutes {
    private final Storage storage;
    private final Auditor auditor;

    public ApiKeyRoutes(Storage storage, Auditor auditor) {
        this.storage = storage;
        this.auditor = auditor;
    }

    public List<Route> routes() {
        return List.of(
                Route.route("POST", "/api/v1/users/{id}/api-keys", "issueApiKey")
                        .summary("Issue an API key (role user unless an admin asks for admin); shown only in this answer")
                        .request(BodyShape.of(IssueApiKey.class))
                        .response(201, BodyShape.of(ApiKeyView.class))
                        .errors(400, 404, 413, 422)
                        .handler(this::issue),
                Route.route("GET", "/api/v1/users/{id}/api-keys", "listApiKeys")
                        .summary("List a user's API keys (prefix, role, created, revoked); never a key or its hash")
                        .response(200, BodyShape.listOf(ApiKeyRow.class))
                        .errors(404)
                        .handler(this::list),
                Route.route("DELETE", "/api/v1/api-keys/{id}", "revokeApiKey")
                        .summary("Revoke an API key; requests with it are refused from now on, on every node")
                        .response(200, BodyShape.of(ApiKeyRow.class))
                        .errors(404)
                        .handler(this::revoke),
                Route.route("POST", "/api/v1/api-keys/{id}/rotate", "rotateApiKey")
                        .summary("Replace a valid API key with a new one of the same user and role, in one step")
                        .response(201, BodyShape.of(ApiKeyView.class))
                        .errors(404)
                        .handler(this::rotate));
    }

    private CompletableFuture<AdminResponse> issue(Call call) {
        long userId = call.idParameter("id");
        call.operator().requireOwnerOrAdmin(userId, "User " + userId);
        IssueApiKey request = call.request().body().length > 0 ? call.body(IssueApiKey.class) : new IssueApiKey(null);
        ApiKeyRole role = UserValidator.apiKeyRole("role", request.role()).orElse(ApiKeyRole.USER);
        if (role == ApiKeyRole.ADMIN) {
            call.operator().requireAdmin();
        }
        return storage.apiKeys().issue(userId, role).thenCompose(issued -> answer(call, "apiKey.issue", issued));
    }

    private CompletableFuture<AdminResponse> list(Call call) {
        return VisibleUser.of(call, storage).thenCompose(user -> storage.apiKeys().listByOwner(user.id()))
                .thenApply(keys -> Json.response(200, keys.stream().map(ApiKeyRow::of).toList()));
    }

    private CompletableFuture<AdminResponse> revoke(Call call) {
        long keyId = call.idParameter("id");
        return owned(call, keyId).thenCompose(key -> storage.apiKeys().revoke(keyId)).thenCompose(revoked ->
                auditor.record(call.operator(), "apiKey.revoke", "apiKey:" + keyId,
                                Map.of("userId", revoked.ownerId(), "prefix", revoked.prefix()))
                        .thenApply(ignored -> Json.response(200, ApiKeyRow.of(revoked))));
    }

    private CompletableFuture<AdminResponse> rotate(Call call) {
        long keyId = call.idParameter("id");
        return owned(call, keyId).thenCompose(key -> {
            if (key.role() == ApiKeyRole.ADMIN) {
                call.operator().requireAdmin();
            }
            return storage.apiKeys().rotate(keyId);
        }).thenCompose(issued -> answer(call, "apiKey.rotate", issued));
    }

    /** The key, once the caller is known to own it (or to be an admin). */
    private CompletableFuture<ApiKey> owned(Call call, long keyId) {
        return storage.apiKeys().findById(keyId).thenApply(found -> {
            ApiKey key = found.orElseThrow(() -> ApiException.notFound("No API key " + keyId));
            call.operator().requireOwnerOrAdmin(key.ownerId(), "API key " + keyId);
            return key;
        });
    }

    private CompletableFuture<AdminResponse> answer(Call call, String action, IssuedApiKey issued) {
        ApiKeyView view = ApiKeyView.of(issued);
        return auditor.record(call.operator(), action, "apiKey:" + view.id(),
                        Map.of("userId", issued.row().ownerId(), "role", view.role(), "prefix", view.prefix()))
                .thenApply(ignored -> Json.response(201, view));
    }

    /** @param role {@code user} (the default) or {@code admin} */
    record IssueApiKey(String role) {
    }

    /** A key as listed: never its value or hash. */
    public record ApiKeyRow(long id, long userId, String role, String prefix, String created, String revoked) {
        static ApiKeyRow of(ApiKey key) {
            return new ApiKeyRow(key.id(), key.ownerId(), key.role().dbName(), key.prefix(), Json.time(key.created()),
                    Json.time(key.revoked()));
        }
    }
}
