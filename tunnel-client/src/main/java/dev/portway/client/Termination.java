package dev.portway.client;

/**
 * Why a {@link TunnelClient} ended for good, and what it said; {@link ClientMain} turns the kind into its exit code.
 *
 * @param reason for the person running the client
 */
public record Termination(Kind kind, String reason) {
    public static final Termination STOPPED = new Termination(Kind.STOPPED, "stopped");

    public enum Kind {
        /** {@link TunnelClient#stop} was called. */
        STOPPED,
        /** Another client with the same client id took over the connection. */
        REPLACED,
        /** The server's certificate is not the pinned one, or not trusted by the configured CA. */
        SERVER_NOT_TRUSTED,
        /** The server refused the token (unknown, revoked, its user suspended) or the client id, for good. */
        AUTH_REFUSED
    }
}
