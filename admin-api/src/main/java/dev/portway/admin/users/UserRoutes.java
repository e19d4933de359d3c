package dev.portway.admin.users;

import dev.portway.admin.audit.Auditor;
import dev.portway.admin.auth.Operator;
import dev.portway.admin.http.Access;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.Route;
import dev.portway.admin.problem.ApiException;
import dev.portway.admin.sessions.SessionControl;
import dev.portway.admin.users.UserRequests.CreateUser;
import dev.portway.admin.users.UserRequests.UpdateUser;
import dev.portway.admin.users.UserViews.ApiKeyView;
import dev.portway.admin.users.UserViews.CreatedUserView;
import dev.portway.admin.users.UserViews.UserView;
import dev.portway.storage.Storage;
import dev.portway.storage.apikeys.ApiKeyRole;
import dev.portway.storage.users.User;
import dev.portway.storage.users.UserStatus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Users. Creating, changing and deleting users is for admins; a {@code user} key reads only its own user (the list
 * holds just that one).
 */
public final class UserRoutes {
    private final Storage storage;
    private final Auditor auditor;
    private final SessionControl sessions;

    public UserRoutes(Storage storage, Auditor auditor, SessionControl sessions) {
        this.storage = storage;
        this.auditor = auditor;
        this.sessions = sessions;
    }

    public List<Route> routes() {
        return List.of(
                Route.route("POST", "/api/v1/users", "createUser")
                        .summary("Create a user, optionally with an API key returned once")
                        .access(Access.ADMIN)
                        .request(BodyShape.of(CreateUser.class))
                        .response(201, BodyShape.of(CreatedUserView.class))
                        .errors(400, 409, 413, 422)
                        .handler(this::create),
                Route.route("GET", "/api/v1/users", "listUsers")
                        .summary("List users (a user key sees only its own user)")
                        .response(200, BodyShape.listOf(UserView.class))
                        .handler(this::list),
                Route.route("GET", "/api/v1/users/{id}", "getUser")
                        .summary("Get a user")
                        .response(200, BodyShape.of(UserView.class))
                        .errors(404)
                        .handler(this::get),
                Route.route("PATCH", "/api/v1/users/{id}", "updateUser")
                        .summary("Change a user's status; suspending or disabling ends their client sessions")
                        .access(Access.ADMIN)
                        .request(BodyShape.of(UpdateUser.class))
                        .response(200, BodyShape.of(UserView.class))
                        .errors(400, 404, 413, 422)
                        .handler(this::update),
                Route.route("DELETE", "/api/v1/users/{id}", "deleteUser")
                        .summary("Delete a user with their tokens, keys and tunnels; ends their client sessions")
                        .access(Access.ADMIN)
                        .response(204, BodyShape.NONE)
                        .errors(404)
                        .handler(this::delete));
    }

    private CompletableFuture<AdminResponse> create(Call call) {
        CreateUser request = call.body(CreateUser.class);
        String name = UserValidator.name(request.name());
        Optional<ApiKeyRole> role = UserValidator.apiKeyRole("apiKeyRole", request.apiKeyRole());
        return storage.users().create(name).thenCompose(user -> {
            if (role.isEmpty()) {
                return CompletableFuture.completedFuture(new CreatedUserView(UserView.of(user), null));
            }
            return storage.apiKeys().issue(user.id(), role.get())
                    .thenApply(key -> new CreatedUserView(UserView.of(user), ApiKeyView.of(key)));
        }).thenCompose(created -> {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("name", name);
            if (created.apiKey() != null) {
                detail.put("apiKey", Map.of("id", created.apiKey().id(), "role", created.apiKey().role(),
                        "prefix", created.apiKey().prefix()));
            }
            return auditor.record(call.operator(), "user.create", target(created.user().id()), detail)
                    .thenApply(ignored -> Json.response(201, created,
                            Map.of("Location", "/api/v1/users/" + created.user().id())));
        });
    }

    private CompletableFuture<AdminResponse> list(Call call) {
        Operator operator = call.operator();
        CompletableFuture<List<User>> users = operator.isAdmin() ? storage.users().list()
                : storage.users().findById(operator.userId()).thenApply(u -> u.map(List::of).orElse(List.of()));
        return users.thenApply(found -> Json.response(200, found.stream().map(UserView::of).toList()));
    }

    private CompletableFuture<AdminResponse> get(Call call) {
        long id = call.idParameter("id");
        call.operator().requireOwnerOrAdmin(id, "User " + id);
        return storage.users().findById(id).thenApply(user -> Json.response(200,
                UserView.of(user.orElseThrow(() -> ApiException.notFound("No user " + id)))));
    }

    private CompletableFuture<AdminResponse> update(Call call) {
        long id = call.idParameter("id");
        UpdateUser request = call.body(UpdateUser.class);
        UserStatus status = UserValidator.status(request.status());
        return storage.users().setStatus(id, status).thenCompose(user -> {
            if (status != UserStatus.ACTIVE) {
                sessions.disconnectWhere(s -> s.userId() == id);
            }
            return auditor.record(call.operator(), "user.update", target(id), Map.of("status", status.dbName()))
                    .thenApply(ignored -> Json.response(200, UserView.of(user)));
        });
    }

    private CompletableFuture<AdminResponse> delete(Call call) {
        long id = call.idParameter("id");
        return storage.users().delete(id).thenCompose(existed -> {
            if (!existed) {
                throw ApiException.notFound("No user " + id);
            }
            sessions.disconnectWhere(s -> s.userId() == id);
            return auditor.record(call.operator(), "user.delete", target(id), Map.of())
                    .thenApply(ignored -> AdminResponse.noContent());
        });
    }

    private static String target(long id) {
        return "user:" + id;
    }
}
