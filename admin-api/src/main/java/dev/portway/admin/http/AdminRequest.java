package dev.portway.admin.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One admin API request as any HTTP transport can hand it over: the transport decodes the query string, lower-cases
 * header names and aggregates the body (refusing more than {@link dev.portway.admin.AdminApi#MAX_BODY_BYTES} itself,
 * so that an oversized body is never buffered whole).
 *
 * @param path          the decoded path without the query string, e.g. {@code /api/v1/users/7}
 * @param headers       header names in lower case; a name may repeat
 * @param remoteAddress the peer, as the audit log should record it (e.g. {@code 203.0.113.5:51234})
 */
public record AdminRequest(String method, String path, Map<String, String> query, Map<String, List<String>> headers,
                           byte[] body, String remoteAddress) {
    public AdminRequest {
        if (method == null || path == null) {
            throw new IllegalArgumentException("method and path are required");
        }
        query = query == null ? Map.of() : Map.copyOf(query);
        Map<String, List<String>> lower = new TreeMap<>();
        if (headers != null) {
            headers.forEach((name, values) -> lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                    .addAll(values));
        }
        headers = Map.copyOf(lower);
        body = body == null ? new byte[0] : body;
    }

    /** The values of a header, by its lower-case name. */
    public List<String> headerValues(String name) {
        return headers.getOrDefault(name, List.of());
    }

    public Optional<String> header(String name) {
        List<String> values = headerValues(name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Without the headers and body: they may carry an API key or a token, and records print every component. */
    @Override
    public String toString() {
        return "AdminRequest[" + method + " " + path + " from " + remoteAddress + ", " + body.length + " body bytes]";
    }
}
