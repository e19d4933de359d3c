package dev.portway.server.http;

import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.auth.Principal;
import dev.portway.server.group.GroupTerms;
import dev.portway.server.group.MemberChooser;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The http routes shared by the members of a load-balancing group: the router leads them here, and each new backend
 * stream goes to the member the {@link MemberChooser} prefers among those whose client is online. A keep-alive
 * public connection stays with the member that served its previous request while that member is online, so that its
 * local connection is reused; new public connections are what the policy spreads.
 *
 * <p>Threading: members are added and removed under {@link HttpGroups}' lock and read, as a snapshot, on any event
 * loop.
 */
final class HttpGroup implements RouteTarget {
    private final HttpGroups groups;
    private final GroupTerms terms;
    private final List<HttpRoute> routes;
    private final HttpOptions options;
    private final MemberChooser<HttpTunnel> chooser;
    private final List<HttpTunnel> members = new CopyOnWriteArrayList<>();

    HttpGroup(HttpGroups groups, GroupTerms terms, List<HttpRoute> routes, HttpOptions options) {
        this.groups = groups;
        this.terms = terms;
        this.routes = List.copyOf(routes);
        this.options = options;
        this.chooser = new MemberChooser<>(terms.policy(), HttpTunnel::openConnections);
    }

    String name() {
        return terms.name();
    }

    List<HttpRoute> routes() {
        return routes;
    }

    List<HttpTunnel> members() {
        return members;
    }

    /** Whether {@code spec}, registered again by a member, still names this group on its terms. */
    boolean admitsAgain(TunnelSpec spec) {
        return terms.admitsAgain(spec.group());
    }

    /** Takes {@code member} out; the routes go with the last member. */
    void leave(HttpTunnel member) {
        groups.leave(this, member);
    }

    /**
     * Why {@code spec} of {@code principal}, serving {@code routes}, may not join, or null when it may. Members must
     * serve the same routes with the same basic auth and https mode: a visitor must not meet a different gate
     * depending on the member chosen. Header rules may differ, as they serve each member's local service.
     */
    String refusal(TunnelSpec spec, Principal principal, List<HttpRoute> routes, HttpOptions options) {
        String refusal = terms.refusal(spec.group(), principal);
        if (refusal != null) {
            return refusal;
        }
        if (!Set.copyOf(routes).equals(Set.copyOf(this.routes))) {
            return "group " + terms.name() + " serves " + this.routes + ", not " + routes;
        }
        if (!Objects.equals(options.basicAuth(), this.options.basicAuth())
                || !Objects.equals(options.https(), this.options.https())) {
            return "group " + terms.name() + ": basicAuth and https must be the same for every member";
        }
        return null;
    }

    @Override
    public HttpTunnel pick() {
        return pickInstead(List.of());
    }

    @Override
    public HttpTunnel pick(HttpTunnel current) {
        return current != null && members.contains(current) && online(current) ? current : pick();
    }

    @Override
    public HttpTunnel pickInstead(List<HttpTunnel> refused) {
        for (HttpTunnel member : chooser.order(List.copyOf(members))) {
            if (!refused.contains(member) && online(member)) {
                return member;
            }
        }
        return null;
    }

    private static boolean online(HttpTunnel member) {
        TunnelSession owner = member.owner();
        return owner != null && owner.channel().isActive();
    }
}
