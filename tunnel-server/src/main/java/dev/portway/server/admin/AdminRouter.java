package dev.portway.server.admin;

import io.netty.handler.codec.http.HttpMethod;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Path and method to {@link AdminRoute}. Exact paths only for now; the REST API can add patterns here without
 * changing the listener. Built once before the listener starts, read-only after.
 */
public final class AdminRouter {
    private final Map<String, Map<HttpMethod, AdminRoute>> routes = new LinkedHashMap<>();

    public AdminRouter get(String path, AdminRoute route) {
        return add(HttpMethod.GET, path, route);
    }

    public AdminRouter add(HttpMethod method, String path, AdminRoute route) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a route path starts with /: " + path);
        }
        AdminRoute previous = routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).putIfAbsent(method, route);
        if (previous != null) {
            throw new IllegalStateException(method + " " + path + " is routed twice");
        }
        return this;
    }

    /** What a request resolves to: a route, or why there is none. */
    public sealed interface Match {
        record Found(AdminRoute route) implements Match {
        }

        record NotFound() implements Match {
        }

        record MethodNotAllowed(Set<String> allowed) implements Match {
        }
    }

    public Match match(HttpMethod method, String path) {
        Map<HttpMethod, AdminRoute> byMethod = routes.get(path);
        if (byMethod == null) {
            return new Match.NotFound();
        }
        return Optional.ofNullable(byMethod.get(method))
                .<Match>map(Match.Found::new)
                .orElseGet(() -> {
                    Set<String> allowed = new TreeSet<>();
                    byMethod.keySet().forEach(m -> allowed.add(m.name()));
                    return new Match.MethodNotAllowed(allowed);
                });
    }
}
