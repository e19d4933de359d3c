package dev.portway.admin.audit;

import dev.portway.admin.http.ListParams;
import dev.portway.admin.http.Access;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Route;
import dev.portway.storage.audit.AuditLog;

import java.util.List;

/** {@code GET /api/v1/audit}: admins only, since the log names every user's changes. */
public final class AuditRoutes {
    private static final ListParams PAGING = new ListParams(AuditLog.SORTS, "-id", 100);

    private final AuditLog auditLog;

    public AuditRoutes(AuditLog auditLog) {
        this.auditLog = auditLog;
    }

    public List<Route> routes() {
        return List.of(Route.route("GET", "/api/v1/audit", "listAudit")
                .summary("Changes made through the API, newest first; q looks in actor, action and target")
                .access(Access.ADMIN)
                .query(PAGING.parameters())
                .response(200, BodyShape.listOf(AuditEntryView.class))
                .errors(422)
                .handler(call -> auditLog.page(PAGING.read(call))
                        .thenApply(page -> ListParams.response(page, AuditEntryView::of))));
    }
}
