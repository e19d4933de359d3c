package dev.portway.server.cluster;

import dev.portway.protocol.control.HostPatterns;
import dev.portway.protocol.control.JsonCodec;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.auth.Principal;
import dev.portway.server.control.ClientSession;
import dev.portway.server.control.SessionLedger;
import dev.portway.server.http.HttpTunnelBinder;
import dev.portway.server.proxyprotocol.PublicEndpoints;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.server.tunnel.TunnelRefusedException;
import dev.portway.storage.cluster.LiveClaimRepository;
import dev.portway.storage.cluster.LiveName;
import dev.portway.storage.sessions.SessionRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The ledger of a cluster node: sessions and live claims as rows of the shared database, so the database's keys
 * decide between nodes. Tunnels of a load-balancing group are not claimed: their members share a port or host by
 * design, which the table's one holder per name cannot express yet (docs/cluster.md).
 *
 * <p>Threading: any thread; never blocks. Writes for one session, or one tunnel, are chained so that a release
 * never lands after the claim that followed it.
 */
public final class DatabaseSessionLedger implements SessionLedger {
    private static final Logger log = LoggerFactory.getLogger(DatabaseSessionLedger.class);
    /** Claims fail closed: a name the database could not record is not served. */
    static final String UNRECORDED = "the database that records which client holds each port and host does not "
            + "answer; the tunnel is refused until it does (the client retries on reconnect)";

    private final SessionRepository sessions;
    private final LiveClaimRepository claims;
    private final String node;
    private final RemoteTunnels remote;
    /** Lower case; null when the server gives out no subdomains. */
    private final String domain;
    /** The last write per session id, or per session id and tunnel name; removed when it completes. */
    private final Map<String, CompletableFuture<?>> pending = new ConcurrentHashMap<>();
    /** The sessions of this node taken over from another node, by session id: the id each replaced there. */
    private final Map<String, UUID> tookOver = new ConcurrentHashMap<>();

    /** @param remote the tunnels of other nodes forwarded from here, which give way to what this node's clients claim */
    public DatabaseSessionLedger(SessionRepository sessions, LiveClaimRepository claims, String node, String domain,
                                 RemoteTunnels remote) {
        this.remote = remote;
        this.sessions = sessions;
        this.claims = claims;
        this.node = node;
        this.domain = domain == null ? null : HostPatterns.normalize(domain);
    }

    @Override
    public CompletionStage<String> open(ClientSession session) {
        Principal principal = session.principal();
        SessionRepository.Holder holder = new SessionRepository.Holder(session.clientId(), principal.userId(),
                principal.user(), principal.tokenId(), node, PublicEndpoints.text(session.peer()));
        return after(session.sessionId(), () -> sessions.take(id(session), holder).thenApply(taken -> {
            taken.replaced().filter(old -> !old.node().equals(node)).ifPresent(old -> {
                log.info("[client={}] took its session over from node {}", session.clientId(), old.node());
                tookOver.put(session.sessionId(), old.id());
            });
            return taken.refusal();
        }));
    }

    @Override
    public CompletionStage<String> claim(ClientSession session, TunnelSpec spec) {
        List<LiveName> names;
        try {
            names = names(spec);
        } catch (TunnelRefusedException invalid) {
            // The binder refuses it with the same reason; there is nothing to claim.
            return CompletableFuture.completedFuture(null);
        }
        return take(session, spec, names, false);
    }

    /**
     * A port the server picked is claimed only now. Either way, the tunnel's spec is recorded now, when its public
     * side is open here: other nodes forward only a tunnel that is served on the node of its client, so none of them
     * binds its port first.
     */
    @Override
    public CompletionStage<String> claimBound(ClientSession session, TunnelSpec spec, PublicTunnel tunnel) {
        if (spec.group() != null) {
            return CompletableFuture.completedFuture(null);
        }
        if (spec.remotePort() == 0 && tunnel.port() != 0) {
            return take(session, spec.withRemotePort(tunnel.port()),
                    List.of(LiveName.port(portKind(spec.type()), tunnel.port())), true);
        }
        String forwardable = forwardable(spec);
        if (forwardable == null) {
            return CompletableFuture.completedFuture(null);
        }
        after(session.sessionId() + "/" + spec.name(), () -> claims.describe(id(session), spec.name(), forwardable))
                .whenComplete((described, error) -> {
                    if (error != null) {
                        log.warn("[client={} tunnel={}] other nodes cannot serve it: {}", session.clientId(),
                                spec.name(), error.toString());
                    }
                });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void release(ClientSession session, String name) {
        remote.released(session.sessionId() + "/" + name);
        after(session.sessionId() + "/" + name, () -> claims.release(id(session), name))
                .whenComplete((released, error) -> {
                    if (error != null) {
                        log.warn("[client={} tunnel={}] cannot release its claims: {}", session.clientId(), name,
                                error.toString());
                    }
                });
    }

    /**
     * Tells the node of the session this one took over that its tunnels are served here now: that node lets the old
     * connection finish its streams and end, instead of waiting out its linger.
     */
    @Override
    public void registered(ClientSession session) {
        UUID replaced = tookOver.remove(session.sessionId());
        if (replaced != null) {
            sessions.settled(replaced).whenComplete((told, error) -> {
                if (error != null) {
                    log.debug("[client={}] cannot tell the node of its old session it moved: {}",
                            session.clientId(), error.toString());
                }
            });
        }
    }

    @Override
    public void closed(ClientSession session) {
        tookOver.remove(session.sessionId());
        remote.sessionClosed(session.sessionId());
        after(session.sessionId(), () -> sessions.close(id(session))).whenComplete((closed, error) -> {
            if (error != null) {
                log.warn("[client={}] cannot remove its session from the registry: {}", session.clientId(),
                        error.toString());
            }
        });
    }

    /**
     * Takes {@code names} for the tunnel of {@code spec}; once taken, a tunnel of another node forwarded from here
     * that held one of them gives way.
     *
     * @param bound whether {@code names} is the one port the server picked for the tunnel, bound already: its spec is
     *              recorded for other nodes, and it replaces a port the tunnel held before a take-over
     */
    private CompletionStage<String> take(ClientSession session, TunnelSpec spec, List<LiveName> names,
                                         boolean bound) {
        if (names.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        String tunnel = spec.name();
        String key = session.sessionId() + "/" + tunnel;
        return after(key, () -> bound ? claims.takePicked(id(session), tunnel, names.get(0), forwardable(spec))
                : claims.take(id(session), tunnel, names))
                .handle((denials, failure) -> {
                    if (failure != null) {
                        log.warn("[client={} tunnel={}] cannot claim {}: {}", session.clientId(), tunnel, names,
                                failure.toString());
                        return UNRECORDED;
                    }
                    return denials.isEmpty() ? null : String.join("; ", denials);
                })
                .thenCompose(refusal -> refusal != null ? CompletableFuture.completedFuture(refusal)
                        : remote.yieldTo(key, names).thenApply(yielded -> (String) null));
    }

    /** The spec as other nodes read it, for the tunnels they forward: tcp and http ones outside groups. */
    private static String forwardable(TunnelSpec spec) {
        boolean forwarded = spec.group() == null && (spec.type() == TunnelType.TCP || spec.type() == TunnelType.HTTP);
        return forwarded ? JsonCodec.text(spec) : null;
    }

    /** Runs {@code write} once the previous write under {@code key} has finished, whatever its outcome. */
    private <T> CompletableFuture<T> after(String key, Supplier<CompletableFuture<T>> write) {
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<?> before = pending.put(key, mine);
        CompletableFuture<?> start = before == null ? CompletableFuture.completedFuture(null) : before;
        start.handle((ignored, error) -> null).thenCompose(ignored -> write.get()).whenComplete((value, error) -> {
            pending.remove(key, mine);
            if (error != null) {
                mine.completeExceptionally(error);
            } else {
                mine.complete(value);
            }
        });
        return mine;
    }

    /** The names a tunnel holds before binding: a port it asks for, or its hosts with their locations. */
    List<LiveName> names(TunnelSpec spec) throws TunnelRefusedException {
        if (spec.group() != null) {
            return List.of();
        }
        if (spec.type() == TunnelType.TCP || spec.type() == TunnelType.UDP) {
            return spec.remotePort() > 0 ? List.of(LiveName.port(portKind(spec.type()), spec.remotePort()))
                    : List.of();
        }
        if (spec.type() != TunnelType.HTTP || spec.http() == null) {
            return List.of();
        }
        List<String> locations = spec.http().locations().isEmpty() ? List.of("/") : spec.http().locations();
        List<LiveName> names = new ArrayList<>();
        for (String host : HttpTunnelBinder.hosts(domain, spec.http())) {
            for (String location : locations) {
                names.add(LiveName.host(host, location));
            }
        }
        return names;
    }

    private static LiveName.Kind portKind(TunnelType type) {
        return type == TunnelType.UDP ? LiveName.Kind.UDP : LiveName.Kind.TCP;
    }

    private static UUID id(ClientSession session) {
        return UUID.fromString(session.sessionId());
    }
}
