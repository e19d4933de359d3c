package dev.portway.server.cluster;

import dev.portway.admin.LiveCertificate;
import dev.portway.admin.LiveServerView;
import dev.portway.admin.LiveSession;
import dev.portway.monitor.alerts.FiringAlert;
import dev.portway.monitor.events.EventJournal;
import dev.portway.storage.sessions.SessionOwner;
import dev.portway.storage.sessions.SessionRecord;
import dev.portway.storage.sessions.SessionRepository;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The admin API's view of a cluster node: this node's own view, plus the sessions of every node from the shared
 * registry. A session of another node is ended by that node, asked through the database (NOTIFY), and so are the
 * sessions of a revoked token or a suspended or deleted user.
 *
 * <p>Threading: any thread; the cluster-wide answers complete on storage threads.
 */
public final class ClusterLiveServerView implements LiveServerView {
    private final LiveServerView local;
    private final SessionRepository sessions;
    private final String node;

    public ClusterLiveServerView(LiveServerView local, SessionRepository sessions, String node) {
        this.local = local;
        this.sessions = sessions;
        this.node = node;
    }

    /** This node's sessions as it sees them (every tunnel), the others' as the registry records them. */
    @Override
    public CompletableFuture<List<LiveSession>> clusterSessions() {
        Map<String, LiveSession> here = local.sessions().stream()
                .collect(Collectors.toMap(LiveSession::id, Function.identity(), (a, b) -> a));
        return sessions.listAll().thenApply(records -> {
            List<LiveSession> all = new ArrayList<>();
            for (SessionRecord record : records) {
                String id = record.id().toString();
                LiveSession mine = here.remove(id);
                all.add(mine != null ? withNode(mine) : new LiveSession(id, record.clientId(), record.userId(),
                        record.tokenId(), record.remoteAddr(), record.connectedAt(), record.tunnels(), null,
                        record.node()));
            }
            // Accepted here a moment ago, or written while the registry was out of reach: still this node's.
            here.values().forEach(mine -> all.add(withNode(mine)));
            return all;
        });
    }

    @Override
    public CompletableFuture<Ending> end(String sessionId) {
        if (local.disconnect(sessionId)) {
            return CompletableFuture.completedFuture(Ending.HERE);
        }
        UUID id;
        try {
            id = UUID.fromString(sessionId);
        } catch (IllegalArgumentException notAnId) {
            return CompletableFuture.completedFuture(Ending.NOT_CONNECTED);
        }
        return sessions.find(id).thenCompose(found -> found.isEmpty()
                ? CompletableFuture.completedFuture(Ending.NOT_CONNECTED)
                : sessions.requestEnd(id).thenApply(ignored -> Ending.ASKED_ITS_NODE));
    }

    @Override
    public CompletableFuture<List<String>> endSessionsOf(SessionOwner owner) {
        return local.endSessionsOf(owner).thenCompose(here -> sessions.requestEndOf(owner, node).thenApply(others -> {
            List<String> ended = new ArrayList<>(here);
            others.forEach(id -> ended.add(id.toString()));
            return ended;
        }));
    }

    private LiveSession withNode(LiveSession session) {
        return new LiveSession(session.id(), session.clientId(), session.userId(), session.tokenId(),
                session.remoteAddress(), session.connectedAt(), session.tunnels(), session.rtt(), node);
    }

    @Override
    public List<LiveSession> sessions() {
        return local.sessions();
    }

    @Override
    public boolean disconnect(String sessionId) {
        return local.disconnect(sessionId);
    }

    @Override
    public boolean listenersBound() {
        return local.listenersBound();
    }

    @Override
    public EventJournal events() {
        return local.events();
    }

    @Override
    public List<LiveCertificate> certificates() {
        return local.certificates();
    }

    @Override
    public CompletionStage<LiveCertificate> requestCertificate(String domain) {
        return local.requestCertificate(domain);
    }

    @Override
    public CompletionStage<Void> deleteCertificate(String name) {
        return local.deleteCertificate(name);
    }

    @Override
    public List<FiringAlert> alerts() {
        return local.alerts();
    }
}
