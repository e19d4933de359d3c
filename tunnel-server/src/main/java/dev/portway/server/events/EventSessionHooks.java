package dev.portway.server.events;

import dev.portway.server.proxyprotocol.PublicEndpoints;

import dev.portway.monitor.events.EventJournal;
import dev.portway.monitor.events.EventPayload;
import dev.portway.server.control.ClientSession;
import dev.portway.server.control.SessionHooks;

import java.net.SocketAddress;

/**
 * Publishes client and tunnel lifecycle to the live {@link EventJournal}. Threading: called on session event loops
 * and binder threads; publishing only takes the journal's short lock.
 */
public final class EventSessionHooks implements SessionHooks {
    private final EventJournal journal;

    public EventSessionHooks(EventJournal journal) {
        this.journal = journal;
    }

    @Override
    public void authenticated(ClientSession session) {
        journal.publish(client(session, true));
    }

    @Override
    public void disconnected(ClientSession session) {
        journal.publish(client(session, false));
    }

    @Override
    public void tunnelOpened(ClientSession session, String tunnel, String type, String publicAddress) {
        journal.publish(new EventPayload.Tunnel(true, tunnel, type, session.principal().user(), session.clientId(),
                publicAddress));
    }

    @Override
    public void tunnelClosed(ClientSession session, String tunnel, String type, String publicAddress) {
        journal.publish(new EventPayload.Tunnel(false, tunnel, type, session.principal().user(), session.clientId(),
                publicAddress));
    }

    private static EventPayload client(ClientSession session, boolean connected) {
        return new EventPayload.Client(connected, session.clientId(), session.principal().user(), session.sessionId(),
                PublicEndpoints.text(session.peer()));
    }
}
