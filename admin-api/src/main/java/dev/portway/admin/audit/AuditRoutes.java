package dev.portway.admin.audit;

import dev.portway.admin.http.Access;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.QueryParam;
import dev.portway.admin.http.Route;
import dev.portway.storage.audit.AuditLog;

import java.util.List;

/** {@code GET /api/v1/audit}: admins only, since the log names every user's changes. */
public final class AuditRoutes {
    static final QueryParam LIMIT = new QueryParam("limit", 1, 1000, 100, "How many entries, newest first");

    private final AuditLog auditLog;

    public AuditRoutes(AuditLog auditLog) {
        this.auditLog = auditLog;
    }

    public List<Route> routes() {
        return List.of(Route.route("GET", "/api/v1/audit", "listAudit")
                .summary("Recent changes made through the API, newest first")
                .access(Access.ADMIN)
                .query(LIMIT)
                .response(200, BodyShape.listOf(AuditEntryView.class))
                .errors(422)
                .handler(call -> {
                    int limit = call.intQuery(LIMIT);
                    return auditLog.recent(limit).thenApply(entries ->
                            Json.response(200, entries.stream().map(AuditEntryView::of).toList()));
                }));
    }
}
