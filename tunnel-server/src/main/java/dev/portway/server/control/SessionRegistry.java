package dev.portway.server.control;

import dev.portway.server.auth.Principal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/**
 * The authenticated client sessions of this server, by client id. Hand-over of tunnels from a replaced session to
 * its successor happens under this registry's lock, so a port is never owned by two sessions nor by none.
 */
public final class SessionRegistry {
    private final Map<String, ClientSession> byClientId = new HashMap<>();

    /**
     * Registers {@code session}, returning the session it replaces, if any; the check that a replaced session is of
     * the same user and the replacement happen under one lock, so two users racing for one client id cannot both win.
     *
     * @throws IllegalStateException when the client id is held by another user's session
     */
    synchronized ClientSession register(ClientSession session) {
        ClientSession previous = byClientId.get(session.clientId());
        if (previous != null && !previous.principal().sameUser(session.principal())) {
            throw new IllegalStateException("client id " + session.clientId() + " is in use by another user");
        }
        byClientId.put(session.clientId(), session);
        if (previous != null) {
            previous.handOverTunnelsTo(session);
        }
        return previous;
    }

    /** Removes {@code session} unless a successor has replaced it already; returns whether it was removed. */
    synchronized boolean unregister(ClientSession session) {
        return byClientId.remove(session.clientId(), session);
    }

    synchronized ClientSession get(String clientId) {
        return byClientId.get(clientId);
    }

    /** The session with id {@code sessionId} on this node, or null. */
    public synchronized ClientSession bySessionId(String sessionId) {
        for (ClientSession session : byClientId.values()) {
            if (sessionId.equals(session.sessionId())) {
                return session;
            }
        }
        return null;
    }

    public synchronized List<ClientSession> all() {
        return new ArrayList<>(byClientId.values());
    }

    /** The stored users with a session on this node. */
    public synchronized Set<Long> storedUsers() {
        Set<Long> users = new HashSet<>();
        for (ClientSession session : byClientId.values()) {
            if (session.principal() != null && session.principal().userId() != Principal.NOT_STORED) {
                users.add(session.principal().userId());
            }
        }
        return users;
    }

    /** The sessions on this node of the stored user {@code userId}. */
    public synchronized List<ClientSession> ofUser(long userId) {
        return byClientId.values().stream()
                .filter(s -> s.principal() != null && s.principal().userId() == userId).toList();
    }

    /** Sessions of {@code principal}'s user on this node. */
    synchronized int sessionsOf(Principal principal) {
        return (int) byClientId.values().stream()
                .filter(s -> s.principal() != null && s.principal().sameUser(principal)).count();
    }

    /** Tunnels the sessions of {@code principal}'s user hold on this node. */
    synchronized int tunnelsOf(Principal principal) {
        return byClientId.values().stream()
                .filter(s -> s.principal() != null && s.principal().sameUser(principal))
                .mapToInt(ClientSession::tunnelCount).sum();
    }

    public synchronized int size() {
        return byClientId.size();
    }
}
