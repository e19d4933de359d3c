package dev.portway.admin.users;

import dev.portway.storage.paging.Page;
import dev.portway.storage.users.UserRepository;
import dev.portway.storage.paging.ListQuery;
import dev.portway.admin.http.ListParams;
import dev.portway.admin.LiveServerView;
import dev.portway.admin.audit.Auditor;
import dev.portway.admin.auth.Operator;
import dev.portway.admin.http.Access;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.Route;
import dev.portway.admin.problem.ApiException;
import dev.portway.admin.users.UserRequests.CreateUser;
import dev.portway.admin.users.UserRequests.UpdateUser;
import dev.portway.admin.users.UserViews.ApiKeyView;
import dev.portway.admin.users.UserViews.CreatedUserView;
import dev.portway.admin.users.UserViews.UserView;
import dev.portway.storage.Storage;
import dev.portway.storage.apikeys.ApiKeyRole;
import dev.portway.storage.sessions.SessionOwner;
import dev.portway.storage.users.PlanChange;
import dev.portway.storage.users.User;
import dev.portway.storage.users.UserStatus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Users. Creating, changing and deleting users is for admins; a {@code user} key reads only its own user (the list
 * holds just that one).
 */
public final class UserRoutes {
    private static final ListParams PAGING = new ListParams(UserRepository.SORTS, "id", 0);
    private final Storage storage;
    private final Auditor auditor;
    private final LiveServerView sessions;

    /** @param sessions ends the sessions of a suspended or deleted user, on every node of a cluster */
    public UserRoutes(Storage storage, Auditor auditor, LiveServerView sessions) {
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
                        .summary("List users (a user key sees only its own user); q looks in name and status")
                        .query(PAGING.parameters())
                        .response(200, BodyShape.listOf(UserView.class))
                        .errors(422)
                        .handler(this::list),
                Route.route("GET", "/api/v1/users/{id}", "getUser")
                        .summary("Get a user")
                        .response(200, BodyShape.of(UserView.class))
                        .errors(404)
                        .handler(this::get),
                Route.route("PATCH", "/api/v1/users/{id}", "updateUser")
                        .summary("Change a user's status, plan or expiry (the fields present);"
                                + " suspending or disabling ends their client sessions")
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
        ListQuery query = PAGING.read(call);
        CompletableFuture<Page<User>> users = operator.isAdmin() ? storage.users().page(query)
                : storage.users().findById(operator.userId()).thenApply(u -> u.map(List::of).orElse(List.of()))
                        .thenApply(own -> new Page<>(own, own.size()));
        return users.thenApply(page -> ListParams.response(page, UserView::of));
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
        Set<String> present = call.bodyFields();
        Optional<UserStatus> status = present.contains("status")
                ? Optional.of(UserValidator.status(request.status())) : Optional.empty();
        PlanChange change = new PlanChange(present.contains("planId"), UserValidator.planId(request.planId()),
                present.contains("expiresAt"), UserValidator.expiresAt(request.expiresAt()));
        Map<String, Object> detail = new LinkedHashMap<>();
        status.ifPresent(s -> detail.put("status", s.dbName()));
        if (change.setsPlan()) {
            detail.put("planId", change.planId());
        }
        if (change.setsExpiry()) {
            detail.put("expiresAt", Json.time(change.expiresAt()));
        }
        return knownPlan(change)
                .thenCompose(ignored -> change(id, status, change))
                .thenCompose(user -> endedIfInactive(id, status)
                        .thenCompose(ended -> auditor.record(call.operator(), "user.update", target(id), detail))
                        .thenApply(ignored -> Json.response(200, UserView.of(user))));
    }

    /** A user set to anything but active loses its sessions, on every node. */
    private CompletableFuture<List<String>> endedIfInactive(long id, Optional<UserStatus> status) {
        return status.isPresent() && status.get() != UserStatus.ACTIVE ? sessions.endSessionsOf(SessionOwner.user(id))
                : CompletableFuture.completedFuture(List.of());
    }

    /**
     * Plan and status are separate writes. The plan goes first: it is the one that can still fail after the checks
     * (its plan deleted meanwhile), and then nothing has changed; the status write fails only for a user that is gone.
     */
    private CompletableFuture<User> change(long id, Optional<UserStatus> status, PlanChange change) {
        CompletableFuture<Optional<User>> afterPlan = change.setsPlan() || change.setsExpiry()
                ? storage.users().changePlan(id, change).thenApply(Optional::of)
                : CompletableFuture.completedFuture(Optional.empty());
        return afterPlan.thenCompose(user -> {
            if (status.isPresent()) {
                return storage.users().setStatus(id, status.get());
            }
            // An empty PATCH changes nothing and answers with the user, as a tunnel's does.
            return user.isPresent() ? CompletableFuture.completedFuture(user.get()) : storage.users().findById(id)
                    .thenApply(found -> found.orElseThrow(() -> ApiException.notFound("No user " + id)));
        });
    }

    /** A plan that does not exist is a mistake in the request (422 naming planId), not a missing user. */
    private CompletableFuture<Void> knownPlan(PlanChange change) {
        if (!change.setsPlan() || change.planId() == null) {
            return CompletableFuture.completedFuture(null);
        }
        return storage.plans().findById(change.planId()).thenAccept(plan -> {
            if (plan.isEmpty()) {
                throw ApiException.invalid("planId", "no plan " + change.planId());
            }
        });
    }

    private CompletableFuture<AdminResponse> delete(Call call) {
        long id = call.idParameter("id");
        return storage.users().delete(id).thenCompose(existed -> {
            if (!existed) {
                throw ApiException.notFound("No user " + id);
            }
            return sessions.endSessionsOf(SessionOwner.user(id))
                    .thenCompose(ended -> auditor.record(call.operator(), "user.delete", target(id), Map.of()))
                    .thenApply(ignored -> AdminResponse.noContent());
        });
    }

    private static String target(long id) {
        return "user:" + id;
    }
}
