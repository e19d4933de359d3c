package dev.portway.server.group;

import dev.portway.protocol.control.GroupOptions;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.auth.Principal;
import dev.portway.server.tcp.TcpTunnelBinder;
import dev.portway.server.tcp.TunnelCounters;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.server.tunnel.TunnelBinder;
import dev.portway.server.tunnel.TunnelRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Opens TCP tunnels, plain or in load-balancing groups. A tunnel without a group gets a port of its own from
 * {@link TcpTunnelBinder}. The first tunnel of a group binds the group's port; later tunnels that name the group
 * with the same key, the same user, and the group's port (or port 0) join it; the port closes when the last member
 * leaves. A group belongs to the user whose tunnel started it: groups never mix users, so a leaked group key alone
 * cannot draw another user's traffic.
 *
 * <p>Threading: any thread. Membership changes under this object's lock; binding does not hold it.
 */
public final class TcpGroups implements TunnelBinder {
    private static final Logger log = LoggerFactory.getLogger(TcpGroups.class);

    private final TcpTunnelBinder ports;
    /** Groups by name; a future while the first member's port is being bound. Guarded by {@code this}. */
    private final Map<String, CompletableFuture<TcpGroup>> groups = new HashMap<>();

    public TcpGroups(TcpTunnelBinder ports) {
        this.ports = ports;
    }

    @Override
    public CompletionStage<PublicTunnel> open(TunnelSpec spec, TunnelSession owner, Principal principal) {
        GroupOptions options = spec.group();
        if (options == null) {
            return ports.open(spec, owner, principal);
        }
        String invalid = GroupTerms.invalid(options);
        if (invalid != null) {
            return CompletableFuture.failedFuture(new TunnelRefusedException(invalid));
        }
        CompletableFuture<TcpGroup> group;
        boolean first;
        synchronized (this) {
            group = groups.get(options.name());
            first = group == null;
            if (first) {
                group = new CompletableFuture<>();
                groups.put(options.name(), group);
            }
        }
        if (first) {
            bind(spec, principal, group);
        }
        return group.thenCompose(joined -> join(joined, spec, owner, principal));
    }

    private void bind(TunnelSpec spec, Principal principal, CompletableFuture<TcpGroup> group) {
        GroupOptions options = spec.group();
        GroupTerms terms = GroupTerms.of(options, principal);
        ports.bindPort(spec.remotePort(), port -> new TcpGroup(terms, port, ports.bridge())).whenComplete((bound, error) -> {
                    if (error != null) {
                        synchronized (this) {
                            groups.remove(options.name(), group);
                        }
                        group.completeExceptionally(error);
                    } else {
                        group.complete(bound);
                    }
                });
    }

    private CompletionStage<PublicTunnel> join(TcpGroup group, TunnelSpec spec, TunnelSession owner,
                                               Principal principal) {
        GroupMember member;
        int size;
        synchronized (this) {
            if (group.closed()) {
                return CompletableFuture.failedFuture(new TunnelRefusedException(
                        "group " + group.name() + " closed as this tunnel joined; register again"));
            }
            String refusal = group.refusal(spec, principal);
            if (refusal != null) {
                return CompletableFuture.failedFuture(new TunnelRefusedException(refusal));
            }
            TunnelCounters counters = ports.counters(spec.name(), principal);
            member = new GroupMember(spec.name(), group, this, principal, owner, counters,
                    ports.bridge().filters().forTunnel(spec.ipRulesOrNone()),
                    counters.account().tunnelCap(spec.maxConnections()));
            group.members().add(member);
            size = group.members().size();
        }
        log.info("[{} tunnel={}] joined group {} on port {} ({} member(s))", owner.label(), spec.name(),
                group.name(), group.port(), size);
        return CompletableFuture.completedFuture(member);
    }

    /** Takes {@code member} out of its group, and closes the group's port when it was the last. */
    void leave(GroupMember member) {
        TcpGroup group = member.group();
        int left;
        synchronized (this) {
            if (!group.members().remove(member)) {
                return;
            }
            left = group.members().size();
            if (left == 0) {
                group.markClosed();
                groups.remove(group.name());
                group.closePort();
            }
        }
        TunnelSession owner = member.owner();
        log.info("[{} tunnel={}] left group {} on port {} ({} member(s) left{})",
                owner == null ? "" : owner.label(), member.name(), group.name(), group.port(), left,
                left == 0 ? ", port closed" : "");
    }
}
