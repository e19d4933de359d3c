package dev.portway.server.cluster;

import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.JsonCodec;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.auth.Principal;
import dev.portway.server.cluster.link.NodeLinks;
import dev.portway.server.tunnel.ForwardingBinder;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.storage.cluster.LiveClaimRepository;
import dev.portway.storage.cluster.LiveClaimRepository.RemoteTunnel;
import dev.portway.storage.cluster.LiveName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The public side, on this node, of the tunnels whose clients are connected to other nodes: each such tcp or http
 * tunnel is opened here too, with the same port or routes, its connections carried over the link to the node of its
 * client. So a load balancer or DNS may send any public connection to any node.
 *
 * <p>The picture comes from the database ({@code live_claims} with the tunnels' specs, joined to sessions and nodes)
 * and is rebuilt whenever a live claim changes (the database NOTIFYs), and on every heartbeat in case a notification
 * was lost. Names a client of this node claims win over what is forwarded: {@link #yieldTo} closes a forwarded
 * tunnel before the local one binds.
 *
 * <p>Not forwarded: udp tunnels and members of load-balancing groups (docs/cluster.md).
 *
 * <p>Threading: rebuilding and closing run on one thread of their own ({@code portway-forwarding}), which may block
 * on the database; {@link #changed} and {@link #yieldTo} may be called from any thread.
 */
public final class RemoteTunnels implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RemoteTunnels.class);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);

    private final String node;
    private final LiveClaimRepository claims;
    private final NodeLinks links;
    private final Map<TunnelType, ForwardingBinder> binders;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "portway-forwarding");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean rebuildQueued = new AtomicBoolean();
    /** Names the clients of this node hold, by session id and tunnel: never forwarded from here. */
    private final Map<String, List<LiveName>> local = new ConcurrentHashMap<>();
    /**
     * By the tunnel's name, names and spec, not by its session: a client that takes its session over on another node
     * keeps what is forwarded for it here, which only changes where it forwards to. On the forwarding thread only.
     */
    private final Map<String, Forwarded> forwarded = new HashMap<>();
    /** Tunnels whose forwarding failed and was said at WARN: the retries on each rebuild are quieter. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** One tunnel of another node served here, once its link is up and it is bound; {@code row} says where to. */
    private record Forwarded(RemoteTunnel row, CompletableFuture<PublicTunnel> tunnel) {
        Forwarded to(RemoteTunnel moved) {
            return new Forwarded(moved, tunnel);
        }

        void close() {
            tunnel.thenAccept(opened -> {
                if (opened != null) {
                    opened.close();
                }
            });
        }
    }

    /**
     * @param binders the binders that can open a forwarded tunnel, by type (tcp; http when the web listeners run)
     * @param every   how often the picture is rebuilt without a notification
     */
    public RemoteTunnels(String node, LiveClaimRepository claims, NodeLinks links,
                         Map<TunnelType, ForwardingBinder> binders, Duration every) {
        this.node = node;
        this.claims = claims;
        this.links = links;
        this.binders = Map.copyOf(binders);
        thread.scheduleWithFixedDelay(this::changed, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Live claims changed somewhere: rebuild soon. Many calls before the rebuild starts make one rebuild. */
    public void changed() {
        if (rebuildQueued.compareAndSet(false, true)) {
            thread.execute(() -> {
                rebuildQueued.set(false);
                rebuild();
            });
        }
    }

    /**
     * A client of this node claimed {@code names} for tunnel {@code key}: a tunnel forwarded from here that holds one
     * of them closes, and the stage completes once its port is free for the local tunnel to bind.
     *
     * @param key the session id and tunnel name, as in {@link #released}
     */
    public CompletionStage<Void> yieldTo(String key, List<LiveName> names) {
        local.put(key, List.copyOf(names));
        return CompletableFuture.supplyAsync(() -> {
            List<CompletableFuture<Void>> closing = new ArrayList<>();
            forwarded.values().removeIf(held -> {
                if (held.row().names().stream().noneMatch(names::contains)) {
                    return false;
                }
                log.info("tunnel={} of node={} is no longer forwarded from here: a client of this node holds {}",
                        held.row().tunnel(), held.row().node(), names);
                closing.add(held.tunnel().thenCompose(tunnel -> tunnel == null ? CompletableFuture.completedFuture(null)
                        : tunnel.closeReleasing()).toCompletableFuture().exceptionally(failedToOpen -> null));
                return true;
            });
            return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
        }, thread).thenCompose(done -> done);
    }

    /** The local tunnel {@code key} closed; a tunnel of another node may take its names and be forwarded. */
    public void released(String key) {
        local.remove(key);
    }

    /** Every tunnel of session {@code sessionId} of this node is gone. */
    public void sessionClosed(String sessionId) {
        local.keySet().removeIf(key -> key.startsWith(sessionId + "/"));
    }

    private void rebuild() {
        List<RemoteTunnel> rows;
        try {
            rows = claims.heldElsewhere(node).get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("cannot read the tunnels of other nodes; forwarding stays as it is: {}", e.toString());
            return;
        }
        Set<LiveName> heldHere = new HashSet<>();
        local.values().forEach(heldHere::addAll);
        Map<String, RemoteTunnel> wanted = new HashMap<>();
        for (RemoteTunnel row : rows) {
            if (row.names().stream().noneMatch(heldHere::contains)) {
                wanted.put(identity(row), row);
            }
        }
        forwarded.entrySet().removeIf(entry -> {
            if (wanted.containsKey(entry.getKey()) && !failed(entry.getValue())) {
                return false;
            }
            entry.getValue().close();
            return true;
        });
        wanted.forEach((key, row) -> {
            Forwarded held = forwarded.get(key);
            if (held == null) {
                forwarded.put(key, open(row));
            } else if (!held.row().sessionId().equals(row.sessionId())) {
                forwarded.put(key, held.to(row));
                retarget(held, row);
            }
        });
        forwarded.values().forEach(this::relinkIfBroken);
    }

    /** What stays the same while a client moves between nodes: its tunnel's name, the names it holds, its spec. */
    private static String identity(RemoteTunnel row) {
        return row.tunnel() + "\0" + row.names() + "\0" + row.spec();
    }

    /** The client of {@code held} took its session over, perhaps on another node: forward there from now on. */
    private void retarget(Forwarded held, RemoteTunnel moved) {
        log.info("tunnel={} is forwarded to node={} from now on (was node={})", moved.tunnel(), moved.node(),
                held.row().node());
        held.tunnel().thenAcceptBoth(links.link(moved.node(), HostPort.parse(moved.advertise())),
                (tunnel, link) -> {
                    if (tunnel != null) {
                        tunnel.forwardTo(link, moved.sessionId().toString());
                    }
                });
    }

    private static boolean failed(Forwarded held) {
        return held.tunnel().isCompletedExceptionally();
    }

    private Forwarded open(RemoteTunnel row) {
        CompletableFuture<PublicTunnel> opened;
        try {
            TunnelSpec spec = spec(row);
            ForwardingBinder binder = binders.get(spec.type());
            if (binder == null || spec.group() != null) {
                // Not served here (no web listeners on this node); kept so that it is not looked at again.
                return new Forwarded(row, CompletableFuture.completedFuture(null));
            }
            Principal principal = new Principal(row.userName(), row.userId() == null ? Principal.NOT_STORED
                    : row.userId(), row.tokenId() == null ? Principal.NOT_STORED : row.tokenId());
            opened = links.link(row.node(), HostPort.parse(row.advertise()))
                    .thenCompose(link -> binder.forward(spec, link, principal, row.sessionId().toString()))
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            opened = CompletableFuture.failedFuture(e);
        }
        String key = identity(row);
        opened.whenComplete((tunnel, error) -> {
            if (error == null) {
                warned.remove(key);
                log.debug("forwarding tunnel={} of node={} at {}", row.tunnel(), row.node(), row.names());
            } else if (warned.add(key)) {
                log.warn("cannot forward tunnel={} of node={} from here (retried quietly on every heartbeat): {}",
                        row.tunnel(), row.node(), error.toString());
            } else {
                log.debug("cannot forward tunnel={} of node={} from here: {}", row.tunnel(), row.node(),
                        error.toString());
            }
        });
        return new Forwarded(row, opened);
    }

    /** The tunnel as its client asked for it, with the port it holds when the server picked it. */
    private static TunnelSpec spec(RemoteTunnel row) {
        TunnelSpec spec = JsonCodec.fromText(row.spec(), TunnelSpec.class);
        if (spec.type() != TunnelType.TCP || spec.remotePort() != 0) {
            return spec;
        }
        int port = row.names().stream().filter(name -> name.kind() == LiveName.Kind.TCP)
                .mapToInt(name -> Integer.parseInt(name.name())).findFirst().orElse(0);
        return new TunnelSpec(spec.name(), spec.type(), port, spec.local(), spec.http(), spec.group(),
                spec.ipRules(), spec.maxConnections(), spec.bandwidthLimit());
    }

    /** A link that broke while its node lives on (a network blip) is dialled again, and its tunnels moved to it. */
    private void relinkIfBroken(Forwarded held) {
        PublicTunnel tunnel = held.tunnel().getNow(null);
        if (tunnel == null || held.tunnel().isCompletedExceptionally()) {
            return;
        }
        links.link(held.row().node(), HostPort.parse(held.row().advertise())).thenAccept(tunnel::owner);
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forwarded.values().forEach(Forwarded::close);
        forwarded.clear();
    }
}
