package dev.portway.storage.sessions;

/**
 * What one user holds on the other nodes of a cluster, counted against its plan with what it holds on this one.
 *
 * @param clients connected clients
 * @param tunnels tunnels holding a port or host ({@code live_claims}); a member of a load-balancing group holds none
 */
public record Holdings(int clients, int tunnels) {
    public static final Holdings NONE = new Holdings(0, 0);
}
