package dev.portway.server.control;

/**
 * Work around a client session that is not part of the protocol: storage bookkeeping (only with a database) and the
 * live event stream. The control package stays free of both; a server with neither passes {@link #NONE}, one with
 * both combines them with {@link #both}.
 *
 * <p>Threading: called on the session's event loop or a binder thread; implementations must not block.
 */
public interface SessionHooks {
    SessionHooks NONE = new SessionHooks() {
    };

    /** The client was accepted; {@link ClientSession#principal()} is set. */
    default void authenticated(ClientSession session) {
    }

    /** The client's first TUNNEL_REGISTER (its client.yaml tunnels) was answered. Called once per session. */
    default void registered(ClientSession session) {
    }

    /** The client's last connection ended (not called for a connection replaced by a newer one of the same client). */
    default void disconnected(ClientSession session) {
    }

    /** A tunnel of the client opened its public listener (or route). */
    default void tunnelOpened(ClientSession session, String tunnel, String type, String publicAddress) {
    }

    default void tunnelClosed(ClientSession session, String tunnel, String type, String publicAddress) {
    }

    /** Calls {@code first}, then {@code second}, for every event. */
    static SessionHooks both(SessionHooks first, SessionHooks second) {
        return new SessionHooks() {
            @Override
            public void authenticated(ClientSession session) {
                first.authenticated(session);
                second.authenticated(session);
            }

            @Override
            public void registered(ClientSession session) {
                first.registered(session);
                second.registered(session);
            }

            @Override
            public void disconnected(ClientSession session) {
                first.disconnected(session);
                second.disconnected(session);
            }

            @Override
            public void tunnelOpened(ClientSession session, String tunnel, String type, String publicAddress) {
                first.tunnelOpened(session, tunnel, type, publicAddress);
                second.tunnelOpened(session, tunnel, type, publicAddress);
            }

            @Override
            public void tunnelClosed(ClientSession session, String tunnel, String type, String publicAddress) {
                first.tunnelClosed(session, tunnel, type, publicAddress);
                second.tunnelClosed(session, tunnel, type, publicAddress);
            }
        };
    }
}
