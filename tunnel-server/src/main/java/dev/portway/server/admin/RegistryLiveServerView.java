package dev.portway.server.admin;

import dev.portway.server.proxyprotocol.PublicEndpoints;

import dev.portway.admin.LiveCertificate;
import dev.portway.admin.LiveServerView;
import dev.portway.admin.LiveSession;
import dev.portway.monitor.alerts.FiringAlert;
import dev.portway.monitor.events.EventJournal;
import dev.portway.server.auth.Principal;
import dev.portway.server.control.ClientSession;
import dev.portway.server.control.SessionRegistry;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The admin API's view of this node: the authenticated sessions of the {@link SessionRegistry}. Threading: any
 * thread; the registry is synchronized and {@link ClientSession#disconnect} hops to the session's event loop.
 */
public final class RegistryLiveServerView implements LiveServerView {
    /** What a client is told when an operator ends its session, on this node or, asked, on another. */
    public static final String DISCONNECT_REASON = "disconnected by an operator";

    private final SessionRegistry registry;
    private final BooleanSupplier listenersBound;
    private final EventJournal events;
    /** Null without an https port. */
    private final ServedCertificates certificates;
    private final Supplier<List<FiringAlert>> alerts;

    public RegistryLiveServerView(SessionRegistry registry, BooleanSupplier listenersBound, EventJournal events) {
        this(registry, listenersBound, events, null, List::of);
    }

    /**
     * @param certificates what the https port serves now; null: none
     * @param alerts       what fired at the alerts' last evaluation
     */
    public RegistryLiveServerView(SessionRegistry registry, BooleanSupplier listenersBound, EventJournal events,
                                  ServedCertificates certificates, Supplier<List<FiringAlert>> alerts) {
        this.registry = registry;
        this.listenersBound = listenersBound;
        this.events = events;
        this.certificates = certificates;
        this.alerts = alerts;
    }

    @Override
    public List<FiringAlert> alerts() {
        return alerts.get();
    }

    @Override
    public List<LiveCertificate> certificates() {
        return certificates == null ? List.of() : certificates.list();
    }

    @Override
    public CompletionStage<LiveCertificate> requestCertificate(String domain) {
        return certificates == null ? LiveServerView.super.requestCertificate(domain)
                : failedWhenThrown(() -> certificates.request(domain));
    }

    @Override
    public CompletionStage<Void> deleteCertificate(String name) {
        return certificates == null ? LiveServerView.super.deleteCertificate(name)
                : failedWhenThrown(() -> certificates.delete(name));
    }

    private static <T> CompletionStage<T> failedWhenThrown(Supplier<CompletionStage<T>> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public List<LiveSession> sessions() {
        List<LiveSession> sessions = new ArrayList<>();
        for (ClientSession session : registry.all()) {
            Principal principal = session.principal();
            sessions.add(new LiveSession(session.sessionId(), session.clientId(), principal.userId(),
                    principal.tokenId(), PublicEndpoints.text(session.peer()), session.connectedAt(),
                    new ArrayList<>(session.tunnelAddresses().keySet()), rtt(session), null));
        }
        return sessions;
    }

    private static Duration rtt(ClientSession session) {
        long nanos = session.session().rttNanos();
        return nanos < 0 ? null : Duration.ofNanos(nanos);
    }

    @Override
    public boolean disconnect(String sessionId) {
        ClientSession session = registry.bySessionId(sessionId);
        if (session == null) {
            return false;
        }
        session.disconnect(DISCONNECT_REASON);
        return true;
    }

    @Override
    public boolean listenersBound() {
        return listenersBound.getAsBoolean();
    }

    @Override
    public EventJournal events() {
        return events;
    }
}
