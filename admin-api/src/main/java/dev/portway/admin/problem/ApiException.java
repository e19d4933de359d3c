package dev.portway.admin.problem;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A refusal with its HTTP status, thrown by routing, auth, validation and handlers and answered as a
 * {@link Problem}. The message is the problem's {@code detail}, which the caller sees: it never holds a secret.
 */
public final class ApiException extends RuntimeException {
    private final ProblemType type;
    private final String field;
    private final Map<String, String> headers;

    public ApiException(ProblemType type, String detail, String field, Map<String, String> headers) {
        super(detail, null, false, false);
        this.type = type;
        this.field = field;
        this.headers = Map.copyOf(headers);
    }

    public static ApiException malformed(String detail) {
        return new ApiException(ProblemType.MALFORMED_REQUEST, detail, null, Map.of());
    }

    /** 422 for a field the operator should correct. */
    public static ApiException invalid(String field, String detail) {
        return new ApiException(ProblemType.INVALID_FIELD, field + ": " + detail, field, Map.of());
    }

    public static ApiException unauthenticated(String detail, boolean keyWasSent) {
        // RFC 6750: a request without credentials gets the bare challenge; a rejected key also gets the error code.
        String challenge = keyWasSent ? "Bearer realm=\"portway-admin\", error=\"invalid_token\""
                : "Bearer realm=\"portway-admin\"";
        return new ApiException(ProblemType.UNAUTHENTICATED, detail, null, Map.of("WWW-Authenticate", challenge));
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(ProblemType.FORBIDDEN, detail, null, Map.of());
    }

    public static ApiException notFound(String detail) {
        return new ApiException(ProblemType.NOT_FOUND, detail, null, Map.of());
    }

    public static ApiException noRoute(String path) {
        return new ApiException(ProblemType.NO_ROUTE, "No admin API resource at " + path, null, Map.of());
    }

    public static ApiException methodNotAllowed(String method, Set<String> allowed) {
        return new ApiException(ProblemType.METHOD_NOT_ALLOWED, method + " is not supported here; use "
                + String.join(", ", new TreeSet<>(allowed)), null, Map.of("Allow", String.join(", ", new TreeSet<>(allowed))));
    }

    public static ApiException conflict(String field) {
        return conflict(field, field + " is already taken");
    }

    /** 409 with a sentence of its own, for conflicts a field name does not explain (a host under a wildcard). */
    public static ApiException conflict(String field, String detail) {
        return new ApiException(ProblemType.CONFLICT, detail, field, Map.of());
    }

    public static ApiException tooLarge(int limit) {
        return new ApiException(ProblemType.BODY_TOO_LARGE, "The request body exceeds " + limit + " bytes", null,
                Map.of());
    }

    public static ApiException unavailable(String detail) {
        return new ApiException(ProblemType.UNAVAILABLE, detail, null, Map.of("Retry-After", "5"));
    }

    public ProblemType type() {
        return type;
    }

    public String field() {
        return field;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public Problem problem() {
        return new Problem(type.uri(), type.title(), type.status(), getMessage(), field);
    }
}
