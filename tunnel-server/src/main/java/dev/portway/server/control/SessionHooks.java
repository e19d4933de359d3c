package dev.portway.server.control;

/**
 * Work around a client session that is not part of the protocol and exists only when the server has a database:
 * the control package stays free of storage, and a server without a database passes {@link #NONE}.
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
}
