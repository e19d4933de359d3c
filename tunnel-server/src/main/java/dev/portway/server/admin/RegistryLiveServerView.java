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
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The admin API's view of this node: the authenticated sessions of the {@link SessionRegistry}. Threading: any
 * thread; the registry is synchronized and {@link ClientSession#disconnect} hops to the session's event loop.
 */
public final class RegistryLiveServerView implements LiveServerView {
    static final String DISCONNECT_REASON = "disconnected by an operator";

    private final SessionRegistry registry;
    private final BooleanSupplier listenersBound;
    private final EventJournal events;
    private final Supplier<List<LiveCertificate>> certificates;
    private final Supplier<List<FiringAlert>> alerts;

    public RegistryLiveServerView(SessionRegistry registry, BooleanSupplier listenersBound, EventJournal events) {
        this(registry, listenersBound, events, List::of, List::of);
    }

    /**
     * @param certificates what the https port serves now
     * @param alerts       what fired at the alerts' last evaluation
     */
    public RegistryLiveServerView(SessionRegistry registry, BooleanSupplier listenersBound, EventJournal events,
                                  Supplier<List<LiveCertificate>> certificates, Supplier<List<FiringAlert>> alerts) {
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
        return certificates.get();
    }

    @Override
    public List<LiveSession> sessions() {
        List<LiveSession> sessions = new ArrayList<>();
        for (ClientSession session : registry.all()) {
            Principal principal = session.principal();
            sessions.add(new LiveSession(session.sessionId(), session.clientId(), principal.userId(),
                    principal.tokenId(), PublicEndpoints.text(session.peer()), session.connectedAt(),
                    new ArrayList<>(session.tunnelAddresses().keySet()), rtt(session)));
        }
        return sessions;
    }

    private static Duration rtt(ClientSession session) {
        long nanos = session.session().rttNanos();
        return nanos < 0 ? null : Duration.ofNanos(nanos);
    }

    @Override
    public boolean disconnect(String sessionId) {
        for (ClientSession session : registry.all()) {
            if (session.sessionId().equals(sessionId)) {
                session.disconnect(DISCONNECT_REASON);
                return true;
            }
        }
        return false;
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
