package dev.portway.admin.plans;

import dev.portway.admin.audit.Auditor;
import dev.portway.admin.http.Access;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.Route;
import dev.portway.admin.plans.PlanRequests.PlanBody;
import dev.portway.admin.plans.PlanViews.LimitsView;
import dev.portway.admin.plans.PlanViews.PlanView;
import dev.portway.admin.problem.ApiException;
import dev.portway.storage.Storage;
import dev.portway.storage.plans.Plan;
import dev.portway.storage.plans.PlanDraft;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Plans: what users may use. Admins only; a user sees the plan in force for itself in its usage. A change takes
 * effect on every node through storage's change events.
 */
public final class PlanRoutes {
    private final Storage storage;
    private final Auditor auditor;

    public PlanRoutes(Storage storage, Auditor auditor) {
        this.storage = storage;
        this.auditor = auditor;
    }

    public List<Route> routes() {
        return List.of(
                Route.route("POST", "/api/v1/plans", "createPlan")
                        .summary("Create a plan; a limit left out is no limit")
                        .access(Access.ADMIN)
                        .request(BodyShape.of(PlanBody.class))
                        .response(201, BodyShape.of(PlanView.class))
                        .errors(400, 409, 413, 422)
                        .handler(this::create),
                Route.route("GET", "/api/v1/plans", "listPlans")
                        .summary("List plans")
                        .access(Access.ADMIN)
                        .response(200, BodyShape.listOf(PlanView.class))
                        .handler(call -> storage.plans().list().thenApply(plans ->
                                Json.response(200, plans.stream().map(PlanView::of).toList()))),
                Route.route("GET", "/api/v1/plans/{id}", "getPlan")
                        .summary("Get a plan")
                        .access(Access.ADMIN)
                        .response(200, BodyShape.of(PlanView.class))
                        .errors(404)
                        .handler(call -> load(call.idParameter("id"))
                                .thenApply(plan -> Json.response(200, PlanView.of(plan)))),
                Route.route("PUT", "/api/v1/plans/{id}", "replacePlan")
                        .summary("Replace a plan with the one in the body; a limit left out is no limit")
                        .access(Access.ADMIN)
                        .request(BodyShape.of(PlanBody.class))
                        .response(200, BodyShape.of(PlanView.class))
                        .errors(400, 404, 409, 413, 422)
                        .handler(this::replace),
                Route.route("DELETE", "/api/v1/plans/{id}", "deletePlan")
                        .summary("Delete a plan no user is on (409 naming 'plan' otherwise)")
                        .access(Access.ADMIN)
                        .response(204, BodyShape.NONE)
                        .errors(404, 409)
                        .handler(this::delete));
    }

    private CompletableFuture<AdminResponse> create(Call call) {
        PlanDraft draft = PlanValidator.draft(call.body(PlanBody.class));
        return storage.plans().create(draft).thenCompose(plan ->
                auditor.record(call.operator(), "plan.create", target(plan.id()), detail(plan))
                        .thenApply(ignored -> Json.response(201, PlanView.of(plan),
                                Map.of("Location", "/api/v1/plans/" + plan.id()))));
    }

    private CompletableFuture<AdminResponse> replace(Call call) {
        long id = call.idParameter("id");
        PlanDraft draft = PlanValidator.draft(call.body(PlanBody.class));
        return storage.plans().update(id, draft).thenCompose(plan ->
                auditor.record(call.operator(), "plan.update", target(id), detail(plan))
                        .thenApply(ignored -> Json.response(200, PlanView.of(plan))));
    }

    private CompletableFuture<AdminResponse> delete(Call call) {
        long id = call.idParameter("id");
        return load(id).thenCompose(plan -> storage.plans().delete(id).thenCompose(existed -> {
            if (!existed) {
                throw notFound(id);
            }
            return auditor.record(call.operator(), "plan.delete", target(id), Map.of("name", plan.name()));
        })).thenApply(ignored -> AdminResponse.noContent());
    }

    private CompletableFuture<Plan> load(long id) {
        return storage.plans().findById(id).thenApply(plan -> plan.orElseThrow(() -> notFound(id)));
    }

    private static ApiException notFound(long id) {
        return ApiException.notFound("No plan " + id);
    }

    private static Map<String, Object> detail(Plan plan) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("name", plan.name());
        detail.put("default", plan.isDefault());
        detail.put("limits", LimitsView.of(plan.limits()));
        return detail;
    }

    private static String target(long id) {
        return "plan:" + id;
    }
}
