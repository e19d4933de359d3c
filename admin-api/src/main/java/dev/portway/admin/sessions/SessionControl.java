package dev.portway.admin.sessions;

import dev.portway.admin.LiveServerView;
import dev.portway.admin.LiveSession;

import java.util.List;
import java.util.function.Predicate;

/** Ends live sessions whose credentials stopped being valid (revoked token, suspended or deleted user). */
public final class SessionControl {
    private final LiveServerView liveServer;

    public SessionControl(LiveServerView liveServer) {
        this.liveServer = liveServer;
    }

    /** @return the ids of the sessions that were connected and are now being closed */
    public List<String> disconnectWhere(Predicate<LiveSession> which) {
        return liveServer.sessions().stream()
                .filter(which)
                .map(LiveSession::id)
                .filter(liveServer::disconnect)
                .toList();
    }
}
