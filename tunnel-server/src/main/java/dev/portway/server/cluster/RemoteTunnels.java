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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

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
    /** How long a refused request waits for {@link #refreshed} at most before it is tried once more anyway. */
    private static final Duration REFRESH_WAIT = Duration.ofSeconds(2);

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
    /** Completed after the next rebuild that starts, and after what it re-pointed: see {@link #refreshed}. */
    private final AtomicReference<CompletableFuture<Void>> nextRebuild = new AtomicReference<>(new CompletableFuture<>());
    /** Names the clients of this node hold, by session id and tunnel: never forwarded from here. */
    private final Map<String, List<LiveName>> local = new ConcurrentHashMap<>();
    /**
     * By the tunnel's name, names and spec, not by its session: a client that takes its session over on another node
     * keeps what is forwarded for it here, which only changes where it forwards to. On the forwarding thread only.
     */
    private final Map<String, Forwarded> forwarded = new HashMap<>();
    /** Tunnels whose forwarding failed and was said at WARN: the retries on each rebuild are quieter. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    /**
     * Names of forwarded tunnels closed and not yet free, so that a local claim of one of them waits for its port.
     * On the forwarding thread only.
     */
    private final Map<LiveName, CompletableFuture<Void>> releasing = new HashMap<>();
    /**
     * Forwarded tunnels that gave their names to a local tunnel in place ({@link PublicTunnel#yieldsInPlace}), by the
     * local tunnel's key: closed when that one goes, in case it never bound and took them. On the forwarding thread.
     */
    private final Map<String, Forwarded> yielded = new HashMap<>();
    private volatile boolean closed;
    /** Set once the first picture is built and every tunnel in it opened (or failed to): see {@link #caughtUp}. */
    private volatile boolean caughtUp;

    /** One tunnel of another node served here, once its link is up and it is bound; {@code row} says where to. */
    private record Forwarded(RemoteTunnel row, CompletableFuture<PublicTunnel> tunnel) {
        Forwarded to(RemoteTunnel moved) {
            return new Forwarded(moved, tunnel);
        }

        /** Stops serving it here (open connections run on); completes once its port or routes are free. */
        CompletableFuture<Void> close() {
            return tunnel.thenCompose(opened -> opened == null ? CompletableFuture.<Void>completedFuture(null)
                    : opened.closeReleasing()).toCompletableFuture().exceptionally(neverOpened -> null);
        }

        /** The tunnel, once it is open; null before, or when it could not be opened. */
        PublicTunnel opened() {
            return tunnel.isDone() && !tunnel.isCompletedExceptionally() ? tunnel.join() : null;
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
        if (closed || !rebuildQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            thread.execute(() -> {
                rebuildQueued.set(false);
                CompletableFuture<Void> rebuilt = nextRebuild.getAndSet(new CompletableFuture<>());
                try {
                    rebuild();
                } catch (RuntimeException e) {
                    log.error("rebuilding the tunnels forwarded from here failed; the next heartbeat tries again", e);
                }
                // Behind the re-pointing tasks the rebuild queued on this thread for links that were open already.
                thread.execute(() -> rebuilt.complete(null));
            });
        } catch (RejectedExecutionException stopped) {
            // Closed meanwhile: nothing is forwarded from here any more.
        }
    }

    /**
     * A rebuild that reads the database after this call, and the re-pointing it does over links already open, is
     * done: for a request the node it was forwarded to refused, which is tried once more then. Any thread.
     */
    public CompletionStage<Void> refreshed() {
        CompletableFuture<Void> next = nextRebuild.get();
        changed();
        return next.copy().completeOnTimeout(null, REFRESH_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .minimalCompletionStage();
    }

    /**
     * A client of this node claimed {@code names} for tunnel {@code key}: a tunnel forwarded from here that holds one
     * of them closes, and the stage completes once its port is free for the local tunnel to bind.
     *
     * @param key the session id and tunnel name, as in {@link #released}
     */
    public CompletionStage<Void> yieldTo(String key, List<LiveName> names) {
        local.put(key, List.copyOf(names));
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                forwarded.values().removeIf(held -> {
                    if (held.row().names().stream().noneMatch(names::contains)) {
                        return false;
                    }
                    log.info("tunnel={} of node={} is no longer forwarded from here: a client of this node holds {}",
                            held.row().tunnel(), held.row().node(), names);
                    PublicTunnel opened = held.opened();
                    if (opened != null && opened.yieldsInPlace()) {
                        // Served until the local tunnel takes its routes as it binds: no request meets a 404.
                        Forwarded earlier = yielded.put(key, held);
                        if (earlier != null) {
                            release(earlier);
                        }
                    } else {
                        release(held);
                    }
                    return true;
                });
                // Also what a rebuild closed a moment ago and is still giving back.
                return CompletableFuture.allOf(names.stream().map(releasing::get).filter(Objects::nonNull)
                        .toArray(CompletableFuture[]::new));
            }, thread).thenCompose(done -> done);
        } catch (RejectedExecutionException stopping) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Closes a forwarded tunnel and remembers its names until they are free. On the forwarding thread. */
    private void release(Forwarded held) {
        CompletableFuture<Void> free = held.close();
        for (LiveName name : held.row().names()) {
            releasing.put(name, free);
        }
        free.whenCompleteAsync((done, error) -> held.row().names().forEach(name -> releasing.remove(name, free)),
                thread);
    }

    /** The local tunnel {@code key} closed; a tunnel of another node may take its names and be forwarded. */
    public void released(String key) {
        local.remove(key);
        onThread(() -> {
            Forwarded gave = yielded.remove(key);
            if (gave != null) {
                release(gave);
            }
        });
    }

    /** Every tunnel of session {@code sessionId} of this node is gone. */
    public void sessionClosed(String sessionId) {
        String prefix = sessionId + "/";
        local.keySet().removeIf(key -> key.startsWith(prefix));
        onThread(() -> yielded.entrySet().removeIf(entry -> {
            if (!entry.getKey().startsWith(prefix)) {
                return false;
            }
            release(entry.getValue());
            return true;
        }));
    }

    private void onThread(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException stopped) {
            // Closed: everything forwarded from here was closed with it.
        }
    }

    private void rebuild() {
        List<RemoteTunnel> rows;
        try {
            rows = claims.described().get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("cannot read the tunnels of other nodes; forwarding stays as it is: {}", e.toString());
            return;
        }
        Set<LiveName> heldHere = new HashSet<>();
        local.values().forEach(heldHere::addAll);
        Map<String, RemoteTunnel> wanted = new HashMap<>();
        // A client that has just taken its session over on this node holds its tunnels' names here before it has
        // registered them again: what is forwarded for it stays until its own tunnel takes over (yieldTo), or this
        // node would answer 404 for its hosts meanwhile.
        Set<String> movingHere = new HashSet<>();
        for (RemoteTunnel row : rows) {
            if (row.node().equals(node)) {
                movingHere.add(identity(row));
            } else if (row.names().stream().noneMatch(heldHere::contains)) {
                wanted.put(identity(row), row);
            }
        }
        forwarded.entrySet().removeIf(entry -> {
            boolean kept = wanted.containsKey(entry.getKey()) || movingHere.contains(entry.getKey());
            if (kept && !failed(entry.getValue())) {
                return false;
            }
            release(entry.getValue());
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
        forwarded.forEach(this::relinkIfBroken);
        if (!caughtUp) {
            CompletableFuture.allOf(forwarded.values().stream().map(held -> held.tunnel().handle((t, e) -> null))
                    .toArray(CompletableFuture[]::new)).thenRun(() -> caughtUp = true);
        }
    }

    /**
     * Whether this node serves the other nodes' tunnels yet: a node that has just started is not ready for a load
     * balancer's traffic before, or it would answer 404 for their hosts.
     */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** What stays the same while a client moves between nodes: its tunnel's name, the names it holds, its spec. */
    private static String identity(RemoteTunnel row) {
        return row.tunnel() + "\0" + row.names() + "\0" + row.spec();
    }

    /** The client of {@code held} took its session over, perhaps on another node: forward there from now on. */
    private void retarget(Forwarded held, RemoteTunnel moved) {
        log.info("tunnel={} is forwarded to node={} from now on (was node={})", moved.tunnel(), moved.node(),
                held.row().node());
        point(identity(moved), moved);
    }

    /**
     * Points the forwarded tunnel {@code key} at the link to the node of {@code row}, once both are there, unless the
     * picture has moved on meanwhile (a later rebuild pointed it elsewhere). On the forwarding thread.
     */
    private void point(String key, RemoteTunnel row) {
        Forwarded held = forwarded.get(key);
        if (held == null) {
            return;
        }
        link(row).thenCombine(held.tunnel(), (link, tunnel) -> {
            if (tunnel != null) {
                thread.execute(() -> {
                    Forwarded now = forwarded.get(key);
                    if (now != null && now.row().equals(row)) {
                        tunnel.forwardTo(link, row.sessionId().toString());
                    }
                });
            }
            return null;
        });
    }

    private CompletableFuture<TunnelSession> link(RemoteTunnel row) {
        try {
            return links.link(row.node(), HostPort.parse(row.advertise()));
        } catch (RuntimeException unreadable) {
            return CompletableFuture.failedFuture(unreadable);
        }
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
            opened = link(row)
                    .thenCompose(link -> binder.forward(spec, link, principal, row.sessionId().toString(),
                            this::refreshed))
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
        return spec.withRemotePort(port);
    }

    /**
     * A link that broke while its node lives on (a network blip) is dialled again, and its tunnels moved to it; an
     * open link is handed out again as it is, so this costs nothing on a quiet rebuild.
     */
    private void relinkIfBroken(String key, Forwarded held) {
        if (held.opened() != null) {
            point(key, held.row());
        }
    }

    /** Stops forwarding from here: every forwarded tunnel closes; connections already open run on. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.submit(() -> {
                forwarded.values().forEach(Forwarded::close);
                forwarded.clear();
                yielded.values().forEach(Forwarded::close);
                yielded.clear();
            }).get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            log.warn("cannot close the tunnels forwarded from here in time: {}", e.toString());
        }
        thread.shutdownNow();
    }
}
