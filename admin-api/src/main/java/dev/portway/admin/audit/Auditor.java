package dev.portway.admin.audit;

import dev.portway.admin.auth.Operator;
import dev.portway.admin.http.Json;
import dev.portway.storage.audit.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Writes the audit row of a change made through the API: who (user and key id), what, which target, from where;
 * PostgreSQL stamps when. Details never carry a secret: a token or key appears as its display prefix at most.
 *
 * <p>The row is written after the change commits, since storage offers no shared transaction. If that write fails
 * the change stands and the response still reports success (a client retrying a create would create twice); the
 * failure is logged as an error instead.
 */
public final class Auditor {
    private static final Logger log = LoggerFactory.getLogger(Auditor.class);

    private final AuditLog auditLog;

    public Auditor(AuditLog auditLog) {
        this.auditLog = auditLog;
    }

    public CompletableFuture<Void> record(Operator operator, String action, String target, Map<String, ?> detail) {
        String detailJson = new String(Json.write(detail), StandardCharsets.UTF_8);
        return auditLog.record(operator.actor(), action, target, detailJson, operator.remoteAddress())
                .handle((id, failure) -> {
                    if (failure != null) {
                        log.error("Audit row lost for {} {} by {}: {}", action, target, operator.actor(),
                                failure.getMessage());
                    }
                    return null;
                });
    }
}
