package dev.portway.server.cluster;

import dev.portway.monitor.ClusterMeters;
import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.admin.RegistryLiveServerView;
import dev.portway.server.auth.Principal;
import dev.portway.server.config.ClusterConfig;
import dev.portway.server.control.ClientSession;
import dev.portway.server.control.SessionRegistry;
import dev.portway.storage.Storage;
import dev.portway.storage.change.ChangeBus;
import dev.portway.storage.change.ChangeKind;
import dev.portway.storage.cluster.NodeRepository;
import dev.portway.storage.sessions.SessionOwner;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * This server as a node of a cluster: joins the {@code nodes} table at start, beats every {@code heartbeat}, deletes
 * nodes silent for {@code deadAfter} (their sessions and claims go with them), drains and leaves on stop, and ends
 * the sessions other nodes ask it to end (an operator's request, a revoked token or suspended user, or a client that
 * reconnected elsewhere). Its meters count the live nodes it sees, the nodes it reaped and the sessions taken over
 * here from other nodes.
 *
 * <p>A node that cannot beat for {@code deadAfter} is about to be taken for dead, and its clients' ports handed to
 * others: it ends its sessions first, so no name is served twice. A node that finds its row deleted (it was silent
 * too long, e.g. a long pause) does the same and joins again.
 *
 * <p>Threading: heartbeats and reaping run on one thread of their own ({@code portway-cluster}), which may block on
 * the database; notifications arrive on the change listener's thread and only hand sessions a close.
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);
    /** How long start and stop wait for the database before giving up on a step. */
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);

    private final ClusterConfig config;
    private final NodeRepository nodes;
    private final SessionRegistry registry;
    private final ClusterMeters meters;
    /**
     * Old ids of sessions taken over here, counted once: this node hears its own take-over twice, at commit and by
     * its NOTIFY.
     */
    private final Cache<String, Boolean> takenOver = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(1)).build();
    private final byte[] secretDigest;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "portway-cluster");
        t.setDaemon(true);
        return t;
    });
    /** The live nodes, this one included, at the last heartbeat; read by {@link #othersAlive}. */
    private volatile int liveNodes = 1;
    /** Read and written on the cluster thread only. */
    private long lastBeatNanos = System.nanoTime();
    private boolean fenced;

    private ClusterNode(ClusterConfig config, NodeRepository nodes, SessionRegistry registry, ClusterMeters meters) {
        this.config = config;
        this.nodes = nodes;
        this.registry = registry;
        this.meters = meters;
        this.secretDigest = digest(config.secret());
    }

    /**
     * Joins the cluster and starts beating; blocks until the node's row is written.
     *
     * @throws IllegalStateException the node may not join (its name is taken by a live node, or its secret differs),
     *                               or the database does not answer
     */
    public static ClusterNode join(ClusterConfig config, Storage storage, ChangeBus changes, SessionRegistry registry,
                                   ClusterMeters meters) {
        ClusterNode node = new ClusterNode(config, storage.nodes(), registry, meters);
        Optional<String> refusal = await(node.nodes.join(config.nodeName(), config.advertise().toString(),
                node.secretDigest, config.deadAfter()), "join the cluster");
        if (refusal.isPresent()) {
            node.thread.shutdownNow();
            throw new IllegalStateException("cannot join the cluster as node " + config.nodeName() + ": "
                    + refusal.get());
        }
        changes.subscribe(event -> {
            if (event.kind() == ChangeKind.SESSION_END) {
                node.end(event.key(), ErrorCode.CONNECTION_CLOSED, RegistryLiveServerView.DISCONNECT_REASON);
            } else if (event.kind() == ChangeKind.SESSION_REPLACED) {
                node.replaced(event.key());
            } else if (event.kind() == ChangeKind.SESSION_SETTLED) {
                node.settled(event.key());
            } else {
                SessionOwner.of(event).ifPresent(node::endSessionsOf);
            }
        });
        long every = config.heartbeat().toMillis();
        // The first beat at once: the live nodes are counted from the start.
        node.thread.scheduleWithFixedDelay(node::beat, 0, every, TimeUnit.MILLISECONDS);
        log.info("cluster joined node={} advertise={} heartbeat={}ms deadAfter={}ms", config.nodeName(),
                config.advertise(), every, config.deadAfter().toMillis());
        return node;
    }

    public String name() {
        return config.nodeName();
    }

    /** Whether another node was alive at the last heartbeat: one that clients sent away can move to. */
    public boolean othersAlive() {
        return liveNodes > 1;
    }

    /**
     * {@code key} is {@code <old session id> <node that took it over> <node that held it>}. A take-over on this node
     * is the registry's hand-over, which keeps the tunnels' listeners; only one from another node closes the old
     * session here.
     */
    private void replaced(String key) {
        String[] parts = key.split(" ");
        if (parts.length != 3) {
            return;
        }
        String oldId = parts[0];
        String taker = parts[1];
        if (!taker.equals(config.nodeName())) {
            // Not at once: until the client has registered its tunnels on the taker (which says so: settled), streams
            // forwarded here for it still reach it over its old connection. Ended after deadAfter in any case.
            try {
                thread.schedule(() -> end(oldId, ErrorCode.SESSION_REPLACED,
                        "replaced by a newer connection of the same client on node " + taker),
                        replacedLinger().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                // This node has left the cluster: its sessions are closing anyway.
            }
        } else if (!parts[2].equals(taker) && takenOver.asMap().putIfAbsent(oldId, Boolean.TRUE) == null) {
            meters.takeover();
        }
    }

    /**
     * Every node hears it, the one that served the request too. Each looks in its own registry, not in the table, so
     * a deleted user's sessions end as well, though their rows went with the user.
     */
    private void endSessionsOf(SessionOwner owner) {
        for (ClientSession session : registry.all()) {
            Principal principal = session.principal();
            if (principal != null && owner.owns(principal.userId(), principal.tokenId())) {
                session.disconnect(RegistryLiveServerView.DISCONNECT_REASON);
            }
        }
    }

    /**
     * How long at most a session taken over on another node stays here when that node does not say the client
     * settled there: deadAfter, the time the cluster gives a silent node.
     */
    private Duration replacedLinger() {
        return config.deadAfter();
    }

    /**
     * The client of session {@code oldId} has its tunnels registered on the node that took it over: the old
     * connection takes no new streams and ends once those it carries have finished (or at the linger's end).
     */
    private void settled(String oldId) {
        ClientSession session = registry.bySessionId(oldId);
        TunnelSession carrier = session == null ? null : session.session();
        if (carrier != null) {
            log.debug("[client={}] settled on another node; session {} ends when its streams have finished",
                    session.clientId(), oldId);
            // A graceful GOAWAY first, which the client acknowledges once it opens nothing more; the last word says
            // replaced, so that a client that did not dial the new connection itself does not come back for it.
            carrier.goAway(ErrorCode.NO_ERROR, "the client's tunnels are served by another node now")
                    .addListener(drained -> carrier.close(ErrorCode.SESSION_REPLACED,
                            "replaced by a newer connection of the same client"));
        }
    }

    private void end(String sessionId, ErrorCode code, String reason) {
        ClientSession session = registry.bySessionId(sessionId);
        if (session != null && session.session() != null) {
            log.info("[client={}] ending session {}: {}", session.clientId(), sessionId, reason);
            session.session().close(code, reason);
        }
    }

    private void beat() {
        try {
            boolean present = await(nodes.heartbeat(config.nodeName()), "beat");
            lastBeatNanos = System.nanoTime();
            if (!present) {
                log.error("node={} was taken for dead by another node (no heartbeat for {} ms); ending its sessions"
                        + " so their clients claim their names again, and joining again", config.nodeName(),
                        config.deadAfter().toMillis());
                endAll("this node was taken for dead by the cluster; reconnect");
                await(nodes.join(config.nodeName(), config.advertise().toString(), secretDigest, config.deadAfter()),
                        "join the cluster again").ifPresent(refusal -> log.error("cannot join again: {}", refusal));
            }
            fenced = false;
            for (NodeRepository.ReapedNode dead : await(nodes.reapDead(config.nodeName(), config.deadAfter()),
                    "reap dead nodes")) {
                meters.nodeReaped();
                log.warn("node={} removed: no heartbeat for {} ms; its {} session(s) and {} claim(s) are free",
                        dead.name(), config.deadAfter().toMillis(), dead.sessions(), dead.claims());
            }
            countLive();
        } catch (RuntimeException e) {
            long silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastBeatNanos);
            log.warn("node={} cannot reach the database for its heartbeat ({} ms without one): {}",
                    config.nodeName(), silentMillis, e.getMessage());
            // One heartbeat before the others may reap it: its clients must be gone before their names are free.
            if (!fenced && silentMillis >= config.deadAfter().minus(config.heartbeat()).toMillis()) {
                fenced = true;
                log.error("node={} ends every session: without its heartbeat the cluster will take it for dead",
                        config.nodeName());
                endAll("this node lost the cluster's database; reconnect");
            }
        }
    }

    private void countLive() {
        int live = await(nodes.countLive(config.deadAfter()), "count the live nodes");
        liveNodes = live;
        meters.liveNodes(live);
    }

    private void endAll(String reason) {
        registry.all().forEach(session -> {
            if (session.session() != null) {
                session.session().close(ErrorCode.SHUTTING_DOWN, reason);
            }
        });
    }

    /** Marks this node as draining: its clients are about to be sent away. Blocks for at most a few seconds. */
    public void drain() {
        try {
            await(nodes.drain(config.nodeName()), "mark the node draining");
            log.info("node={} draining", config.nodeName());
        } catch (RuntimeException e) {
            log.warn("node={} cannot mark itself draining: {}", config.nodeName(), e.getMessage());
        }
    }

    /** Stops beating and deletes this node's row, with the sessions and claims still on it. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            await(nodes.leave(config.nodeName()), "leave the cluster");
            log.info("node={} left the cluster", config.nodeName());
        } catch (RuntimeException e) {
            log.warn("node={} cannot remove its row; other nodes reap it after {} ms: {}", config.nodeName(),
                    config.deadAfter().toMillis(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T await(CompletableFuture<T> future, String step) {
        try {
            return future.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + step + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot " + step + ": the database did not answer within "
                    + STEP_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + step, e);
        }
    }

    /** Compared between nodes at join; a label keeps the digest from being any other use's hash of the secret. */
    static byte[] digest(String secret) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("portway cluster secret\0".getBytes(StandardCharsets.UTF_8));
            return sha256.digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
