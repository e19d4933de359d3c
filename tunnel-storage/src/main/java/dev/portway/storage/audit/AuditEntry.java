package dev.portway.storage.audit;

import java.time.Instant;

/** A row of {@code audit_log}. {@code detailJson} is a JSON object; it must never contain a secret. */
public record AuditEntry(long id, String actor, String action, String target, String detailJson, String remoteAddr,
                         Instant at) {
}
