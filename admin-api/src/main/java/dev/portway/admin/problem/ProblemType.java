package dev.portway.admin.problem;

/**
 * Every kind of problem the admin API answers with. The {@code type} URIs are URNs, not links: they identify the
 * problem for programs and promise no documentation page at an address.
 */
public enum ProblemType {
    MALFORMED_REQUEST(400, "malformed-request", "Malformed request"),
    UNAUTHENTICATED(401, "unauthenticated", "Missing or invalid API key"),
    FORBIDDEN(403, "forbidden", "Not allowed for this API key"),
    NOT_FOUND(404, "not-found", "No such resource"),
    /** Distinct from {@link #NOT_FOUND} so that a client (and the OpenAPI test) can tell a typo in a path from an unknown id. */
    NO_ROUTE(404, "no-route", "No such endpoint"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
    CONFLICT(409, "conflict", "Already taken"),
    /** {@code POST /api/v1/reload} on a server started without a configuration file: nothing to read again. */
    NOT_RELOADABLE(409, "not-reloadable", "No configuration file to reload"),
    /** A certificate request or deletion on a server without {@code https.acme}. */
    ACME_DISABLED(409, "acme-disabled", "No ACME certificate authority configured"),
    BODY_TOO_LARGE(413, "body-too-large", "Request body too large"),
    INVALID_FIELD(422, "invalid-field", "Invalid field"),
    INTERNAL(500, "internal", "Internal error"),
    UNAVAILABLE(503, "unavailable", "Temporarily unavailable");

    private final int status;
    private final String slug;
    private final String title;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String uri() {
        return "urn:portway:problem:" + slug;
    }
}
