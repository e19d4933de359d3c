package dev.portway.admin.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.admin.http.Json;
import dev.portway.storage.audit.AuditEntry;

import java.io.IOException;

/** One audit row as the API shows it; {@code detail} is the JSON object recorded with the change. */
public record AuditEntryView(long id, String actor, String action, String target, JsonNode detail,
                             String remoteAddress, String at) {
    static AuditEntryView of(AuditEntry entry) {
        JsonNode detail;
        try {
            detail = Json.MAPPER.readTree(entry.detailJson());
        } catch (IOException e) {
            detail = Json.MAPPER.createObjectNode();
        }
        return new AuditEntryView(entry.id(), entry.actor(), entry.action(), entry.target(), detail,
                entry.remoteAddr(), Json.time(entry.at()));
    }
}
