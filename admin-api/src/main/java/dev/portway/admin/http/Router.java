package dev.portway.admin.http;

import dev.portway.admin.problem.ApiException;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Finds the route of a request: 404 when no template matches the path, 405 with the allowed methods otherwise. */
public final class Router {
    private final List<Route> routes;

    public Router(List<Route> routes) {
        Set<String> seen = new HashSet<>();
        for (Route route : routes) {
            if (!seen.add(route.method() + " " + route.path().text())) {
                throw new IllegalArgumentException("route declared twice: " + route.method() + " " + route.path().text());
            }
        }
        this.routes = List.copyOf(routes);
    }

    public List<Route> routes() {
        return routes;
    }

    /** A route and its path parameters. */
    public record Match(Route route, Map<String, String> parameters) {
    }

    /** @throws ApiException 404 or 405 */
    public Match resolve(String method, String path) {
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Optional<Map<String, String>> parameters = route.path().match(path);
            if (parameters.isPresent()) {
                if (route.method().equals(method)) {
                    return new Match(route, parameters.get());
                }
                allowed.add(route.method());
            }
        }
        if (allowed.isEmpty()) {
            throw ApiException.noRoute(path);
        }
        throw ApiException.methodNotAllowed(method, allowed);
    }
}
