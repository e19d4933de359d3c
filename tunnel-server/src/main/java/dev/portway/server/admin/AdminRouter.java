package dev.portway.server.admin;

import io.netty.handler.codec.http.HttpMethod;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Path and method to {@link AdminRoute}: exact paths first, then delegates that own a whole part of the path space
 * (the REST API, which routes, answers 404 and 405 in its own format). Built once before the listener starts,
 * read-only after.
 */
public final class AdminRouter {
    private final Map<String, Map<HttpMethod, AdminRoute>> routes = new LinkedHashMap<>();
    private final List<Delegate> delegates = new ArrayList<>();

    private record Delegate(Predicate<String> paths, AsyncAdminRoute route) {
    }

    /** Every method on every path {@code paths} accepts, unless an exact route is registered for that path. */
    public AdminRouter delegate(Predicate<String> paths, AsyncAdminRoute route) {
        delegates.add(new Delegate(paths, route));
        return this;
    }

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

        record Delegated(AsyncAdminRoute route) implements Match {
        }
    }

    public Match match(HttpMethod method, String path) {
        Map<HttpMethod, AdminRoute> byMethod = routes.get(path);
        if (byMethod == null) {
            return delegates.stream().filter(d -> d.paths().test(path)).findFirst()
                    .<Match>map(d -> new Match.Delegated(d.route()))
                    .orElseGet(Match.NotFound::new);
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
