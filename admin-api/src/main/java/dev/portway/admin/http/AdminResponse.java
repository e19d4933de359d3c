package dev.portway.admin.http;

import java.util.Map;

/**
 * The answer to an {@link AdminRequest}. The transport adds Content-Length and writes the headers as given;
 * {@code Content-Type} is always set when there is a body.
 */
public record AdminResponse(int status, Map<String, String> headers, byte[] body) {
    public static final String JSON = "application/json";
    public static final String PROBLEM_JSON = "application/problem+json";

    public AdminResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    public static AdminResponse noContent() {
        return new AdminResponse(204, Map.of(), new byte[0]);
    }

    /** Without the body, which may carry a freshly issued token. */
    @Override
    public String toString() {
        return "AdminResponse[" + status + ", " + headers + ", " + body.length + " body bytes]";
    }
}
