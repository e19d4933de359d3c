package dev.portway.server.http;

import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.server.auth.Principal;
import dev.portway.server.group.GroupTerms;
import dev.portway.server.tunnel.TunnelRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The load-balancing groups of http tunnels. The first member of a group claims the group's routes in the router for
 * an {@link HttpGroup}; later members that name the group with the same key, user, policy and routes join it; the
 * routes are released when the last member leaves. HTTP groups are named apart from TCP groups.
 *
 * <p>Threading: any thread; membership changes under this object's lock (which takes the router's lock inside it,
 * never the other way round).
 */
final class HttpGroups {
    private static final Logger log = LoggerFactory.getLogger(HttpGroups.class);

    private final HttpVhostRouter router;
    /** Groups by name. Guarded by {@code this}. */
    private final Map<String, HttpGroup> groups = new HashMap<>();

    HttpGroups(HttpVhostRouter router) {
        this.router = router;
    }

    /**
     * Adds the tunnel {@code member} makes for its group to the group {@code spec} names, starting the group when
     * there is none.
     */
    HttpTunnel join(TunnelSpec spec, Principal principal, List<HttpRoute> routes, HttpOptions options,
                    Function<HttpGroup, HttpTunnel> member) throws TunnelRefusedException {
        String invalid = GroupTerms.invalid(spec.group());
        if (invalid != null) {
            throw new TunnelRefusedException(invalid);
        }
        HttpTunnel tunnel;
        int size;
        synchronized (this) {
            HttpGroup group = groups.get(spec.group().name());
            if (group == null) {
                group = new HttpGroup(this, GroupTerms.of(spec.group(), principal), routes, options);
                String refusal = router.add(routes, group, principal.user());
                if (refusal != null) {
                    throw new TunnelRefusedException(refusal);
                }
                groups.put(group.name(), group);
            } else {
                String refusal = group.refusal(spec, principal, routes, options);
                if (refusal != null) {
                    throw new TunnelRefusedException(refusal);
                }
            }
            tunnel = member.apply(group);
            group.members().add(tunnel);
            size = group.members().size();
        }
        log.info("[{} tunnel={}] joined http group {} ({} member(s))", tunnel.owner().label(), spec.name(),
                spec.group().name(), size);
        return tunnel;
    }

    void leave(HttpGroup group, HttpTunnel member) {
        int left;
        synchronized (this) {
            if (!group.members().remove(member)) {
                return;
            }
            left = group.members().size();
            if (left == 0) {
                groups.remove(group.name(), group);
                router.remove(group.routes(), group);
            }
        }
        log.info("[{} tunnel={}] left http group {} ({} member(s) left{})",
                member.owner() == null ? "" : member.owner().label(), member.name(), group.name(), left,
                left == 0 ? ", routes released" : "");
    }
}
