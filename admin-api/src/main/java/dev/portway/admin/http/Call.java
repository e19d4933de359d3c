package dev.portway.admin.http;

import dev.portway.admin.auth.Operator;
import dev.portway.admin.problem.ApiException;

import java.util.Map;
import java.util.Set;

/**
 * A request matched to its route: the path parameters and, on authenticated routes, the operator behind the key.
 *
 * @param operator {@code null} on {@link Access#PUBLIC} routes
 */
public record Call(AdminRequest request, Route route, Map<String, String> pathParameters, Operator operator) {
    /**
     * A numeric id from the path. Anything else names no resource, so it is a 404 like an unknown number, not a
     * validation error.
     */
    public long idParameter(String name) {
        String value = pathParameters.get(name);
        try {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // falls through to 404
        }
        throw ApiException.notFound("No resource with id " + value);
    }

    public String pathParameter(String name) {
        return pathParameters.get(name);
    }

    /** A declared integer query parameter, its default when absent; 422 naming it when not a number in range. */
    public int intQuery(QueryParam parameter) {
        String value = request.query().get(parameter.name());
        if (value == null || value.isEmpty()) {
            return parameter.defaultValue();
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw outOfRange(parameter);
        }
        if (parsed < parameter.min() || parsed > parameter.max()) {
            throw outOfRange(parameter);
        }
        return parsed;
    }

    /** A declared text query parameter, null when absent or empty; 422 naming it when too long or not an allowed value. */
    public String textQuery(QueryParam parameter) {
        String value = request.query().get(parameter.name());
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > parameter.max()) {
            throw ApiException.invalid(parameter.name(), "expected at most " + parameter.max() + " characters");
        }
        if (!parameter.values().isEmpty() && !parameter.values().contains(value)) {
            throw ApiException.invalid(parameter.name(), "expected one of " + parameter.values());
        }
        return value;
    }

    private static ApiException outOfRange(QueryParam parameter) {
        return ApiException.invalid(parameter.name(),
                "expected an integer from " + parameter.min() + " to " + parameter.max());
    }

    /** The JSON body as {@code type}; see {@link Json#read} for the error statuses. */
    public <T> T body(Class<T> type) {
        return Json.read(request.body(), type);
    }

    /**
     * The names of the fields the JSON body has, for fields whose {@code null} is a value rather than "unchanged";
     * after {@link #body}, which rejects a body that is not a JSON object.
     */
    public Set<String> bodyFields() {
        return Json.fieldNames(request.body());
    }

    public String remoteAddress() {
        return request.remoteAddress();
    }
}
