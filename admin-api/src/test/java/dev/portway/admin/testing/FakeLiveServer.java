package dev.portway.admin.testing;

import dev.portway.admin.LiveCertificate;
import dev.portway.admin.LiveServerView;
import dev.portway.admin.LiveSession;
import dev.portway.admin.PushResult;
import dev.portway.admin.TunnelPusher;
import dev.portway.admin.problem.ApiException;
import dev.portway.monitor.alerts.FiringAlert;
import dev.portway.monitor.events.EventJournal;
import dev.portway.storage.tunnels.Tunnel;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The server's side of the admin API, as a test controls it: sessions to list, listeners up or down, push answers,
 * ACME on or off with the names its configuration holds.
 */
public final class FakeLiveServer implements LiveServerView, TunnelPusher {
    private final Map<String, LiveSession> sessions = new ConcurrentHashMap<>();
    /** Sessions another node of the cluster holds. */
    private final Map<String, LiveSession> elsewhere = new ConcurrentHashMap<>();
    /** Sessions of other nodes this one asked to end. */
    public final List<String> askedToEnd = new CopyOnWriteArrayList<>();
    public final List<String> disconnected = new CopyOnWriteArrayList<>();
    public final List<Tunnel> pushed = new CopyOnWriteArrayList<>();
    public final List<Tunnel> removed = new CopyOnWriteArrayList<>();
    public volatile boolean listenersBound = true;
    public final EventJournal events = new EventJournal();
    /** What the next pushes answer; {@code null} fails the push future. */
    public volatile PushResult pushAnswer = PushResult.pushed();
    public volatile List<FiringAlert> alerts = List.of();
    /** The ACME certificates by name, as requested; empty at first. */
    public final Map<String, LiveCertificate> certificates = new ConcurrentHashMap<>();
    public volatile boolean acme = true;
    /** Names the server's configuration holds: not deleted through the API. */
    public volatile Set<String> configuredCertificates = Set.of();

    public LiveSession connect(String id, long userId, long tokenId) {
        LiveSession session = new LiveSession(id, "client-" + id, userId, tokenId, "198.51.100.7:40000",
                Instant.parse("2025-01-01T10:00:00Z"), List.of("ssh"), Duration.ofNanos(1_500_000),
                null);
        sessions.put(id, session);
        return session;
    }

    /** A session that node {@code node} of the cluster holds. */
    public LiveSession connectElsewhere(String id, long userId, String node) {
        LiveSession session = new LiveSession(id, "client-" + id, userId, 0, "198.51.100.8:40000",
                Instant.parse("2025-01-01T11:00:00Z"), List.of("web"), null, node);
        elsewhere.put(id, session);
        return session;
    }

    @Override
    public CompletableFuture<List<LiveSession>> clusterSessions() {
        List<LiveSession> all = new java.util.ArrayList<>(sessions.values());
        all.addAll(elsewhere.values());
        return CompletableFuture.completedFuture(all);
    }

    @Override
    public CompletableFuture<Ending> end(String sessionId) {
        if (disconnect(sessionId)) {
            return CompletableFuture.completedFuture(Ending.HERE);
        }
        if (elsewhere.remove(sessionId) != null) {
            askedToEnd.add(sessionId);
            return CompletableFuture.completedFuture(Ending.ASKED_ITS_NODE);
        }
        return CompletableFuture.completedFuture(Ending.NOT_CONNECTED);
    }

    @Override
    public List<LiveSession> sessions() {
        return List.copyOf(sessions.values());
    }

    @Override
    public boolean disconnect(String sessionId) {
        boolean existed = sessions.remove(sessionId) != null;
        if (existed) {
            disconnected.add(sessionId);
        }
        return existed;
    }

    @Override
    public boolean listenersBound() {
        return listenersBound;
    }

    @Override
    public EventJournal events() {
        return events;
    }

    @Override
    public List<FiringAlert> alerts() {
        return alerts;
    }

    @Override
    public List<LiveCertificate> certificates() {
        return List.copyOf(certificates.values());
    }

    @Override
    public CompletionStage<LiveCertificate> requestCertificate(String domain) {
        if (!acme) {
            return CompletableFuture.failedFuture(LiveServerView.acmeDisabled());
        }
        return CompletableFuture.completedFuture(certificates.computeIfAbsent(domain, name -> new LiveCertificate(name,
                List.of(name), null, null, null, LiveCertificate.ACME, "api", "pending", null, null)));
    }

    @Override
    public CompletionStage<Void> deleteCertificate(String name) {
        if (!acme) {
            return CompletableFuture.failedFuture(LiveServerView.acmeDisabled());
        }
        if (configuredCertificates.contains(name)) {
            return CompletableFuture.failedFuture(ApiException.conflict("name", name + " is configured"));
        }
        return certificates.remove(name) == null
                ? CompletableFuture.failedFuture(ApiException.notFound("No ACME certificate " + name))
                : CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<PushResult> push(long userId, Tunnel tunnel) {
        pushed.add(tunnel);
        PushResult answer = pushAnswer;
        return answer == null ? CompletableFuture.failedFuture(new IllegalStateException("client went away"))
                : CompletableFuture.completedFuture(answer);
    }

    @Override
    public CompletableFuture<Void> remove(long userId, Tunnel tunnel) {
        removed.add(tunnel);
        return CompletableFuture.completedFuture(null);
    }
}
