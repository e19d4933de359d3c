package dev.portway.server.http;

import dev.portway.protocol.control.HostPatterns;
import dev.portway.storage.claims.ClaimDenial;
import dev.portway.storage.claims.ClaimKind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which tunnel serves a public host name and path. A host matches its exact routes first, then the wildcard
 * {@code *.<parent>} routes (one label only: {@code *.example.org} serves {@code a.example.org}, not
 * {@code a.b.example.org} nor {@code example.org}). Among a host's routes the longest matching location prefix wins.
 *
 * <p>Ownership: a host belongs to the user whose tunnel holds routes on it, and only that user's tunnels add locations
 * (or groups) to it; a host under another user's wildcard, or a wildcard over another user's hosts, is refused the
 * same way. Routes of an offline tunnel stay in the table while it may come back, so its hosts stay its owner's.
 *
 * <p>Threading: look-ups run on every request, on any event loop, and read an immutable table without locking;
 * changes (tunnels registering and closing) copy the table under a lock.
 */
public final class HttpVhostRouter {
    private static final Comparator<Entry> LONGEST_FIRST =
            Comparator.comparingInt((Entry e) -> e.route().location().length()).reversed();

    private record Entry(HttpRoute route, RouteTarget target, String owner) {
    }

    /** Host (exact or {@code *.parent}) to its entries, longest location first. Replaced, never changed. */
    private volatile Map<String, List<Entry>> table = Map.of();

    /**
     * Adds every route for {@code target}, or none: returns null on success, or the reason (naming the first route
     * already held by another target, or the first host that belongs to another user).
     *
     * @param owner the user the target's tunnels belong to
     */
    public synchronized String add(List<HttpRoute> routes, RouteTarget target, String owner) {
        Map<String, List<Entry>> next = new HashMap<>(table);
        for (HttpRoute route : routes) {
            String foreign = foreignOwner(next, route.host(), owner);
            if (foreign != null) {
                return foreign;
            }
            List<Entry> entries = new ArrayList<>(next.getOrDefault(route.host(), List.of()));
            for (Entry entry : entries) {
                if (entry.route().equals(route) && entry.target() != target) {
                    return "http route " + route + " is already used by another tunnel";
                }
            }
            if (entries.stream().noneMatch(e -> e.route().equals(route))) {
                entries.add(new Entry(route, target, owner));
                entries.sort(LONGEST_FIRST);
            }
            next.put(route.host(), List.copyOf(entries));
        }
        table = Map.copyOf(next);
        return null;
    }

    /**
     * Why {@code owner} may not add routes on {@code host}: another user holds routes on it, on the wildcard over it,
     * or (for a wildcard) on a host under it. Null when nothing stands in the way.
     */
    private static String foreignOwner(Map<String, List<Entry>> table, String host, String owner) {
        if (heldByOther(table.get(host), owner)) {
            return takenBy(host, host);
        }
        String wildcard = HostPatterns.wildcardFor(host);
        if (wildcard != null && heldByOther(table.get(wildcard), owner)) {
            return takenBy(host, wildcard);
        }
        if (host.startsWith("*.")) {
            for (Map.Entry<String, List<Entry>> other : table.entrySet()) {
                if (host.equals(HostPatterns.wildcardFor(other.getKey())) && heldByOther(other.getValue(), owner)) {
                    return takenBy(host, other.getKey());
                }
            }
        }
        return null;
    }

    /** Worded as the stored claims word it, so a client sees one sentence whichever check refused it. */
    private static String takenBy(String host, String blocker) {
        return new ClaimDenial(ClaimKind.HOST, host, ClaimDenial.Reason.OTHER_OWNER, blocker).describe();
    }

    private static boolean heldByOther(List<Entry> entries, String owner) {
        return entries != null && entries.stream().anyMatch(e -> !e.owner().equals(owner));
    }

    /** Who holds exactly {@code route}; null when nobody does. */
    public RouteTarget holder(HttpRoute route) {
        for (Entry entry : table.getOrDefault(route.host(), List.of())) {
            if (entry.route().equals(route)) {
                return entry.target();
            }
        }
        return null;
    }

    /** Removes the routes of {@code target}; routes another target holds stay. */
    public synchronized void remove(List<HttpRoute> routes, RouteTarget target) {
        Map<String, List<Entry>> next = new HashMap<>(table);
        for (HttpRoute route : routes) {
            List<Entry> entries = next.getOrDefault(route.host(), List.of()).stream()
                    .filter(e -> !(e.route().equals(route) && e.target() == target))
                    .toList();
            if (entries.isEmpty()) {
                next.remove(route.host());
            } else {
                next.put(route.host(), entries);
            }
        }
        table = Map.copyOf(next);
    }

    /**
     * The target for a request; null when nothing serves it.
     *
     * @param host a Host header value as received (port and case do not matter)
     * @param path the request target's path (a query string does no harm: prefixes are compared as text)
     */
    public RouteTarget route(String host, String path) {
        String key = HttpRoute.normalizeHost(host);
        if (key == null) {
            return null;
        }
        Map<String, List<Entry>> current = table;
        RouteTarget exact = longestMatch(current.get(key), path);
        if (exact != null) {
            return exact;
        }
        String wildcard = HostPatterns.wildcardFor(key);
        return wildcard == null ? null : longestMatch(current.get(wildcard), path);
    }

    /**
     * The target serving {@code host} at its root, or at any path when no route covers the root: the look-up for a
     * TLS SNI name, where no path is known yet. Null when the host is not served.
     */
    public RouteTarget routeHost(String host) {
        String key = HttpRoute.normalizeHost(host);
        if (key == null) {
            return null;
        }
        Map<String, List<Entry>> current = table;
        List<Entry> entries = current.get(key);
        if (entries == null) {
            String wildcard = HostPatterns.wildcardFor(key);
            entries = wildcard == null ? null : current.get(wildcard);
        }
        if (entries == null) {
            return null;
        }
        RouteTarget root = longestMatch(entries, "/");
        return root != null ? root : entries.get(0).target();
    }

    private static RouteTarget longestMatch(List<Entry> entries, String path) {
        if (entries == null) {
            return null;
        }
        String p = path == null || path.isEmpty() ? "/" : path;
        for (Entry entry : entries) {
            if (p.startsWith(entry.route().location())) {
                return entry.target();
            }
        }
        return null;
    }
}
