package dev.portway.server.config;

/**
 * Ceilings that keep one address or one user from taking the whole server, until plans set their own per user.
 *
 * @param connectionsPerSource open connections from one IP address, per listener (control, http, https, admin)
 * @param handshakesPerSource  control connections from one IP address that have not authenticated yet
 * @param sessionsPerUser      connected clients of one user (one static token counts as one user)
 * @param tunnelsPerUser       tunnels all connected clients of one user hold together
 * @param streamsPerUser       public TCP connections and HTTP request streams the tunnels of one user carry at once
 * @param udpFlowsPerUser      UDP flows (public peers of udp tunnels) the sessions of one user hold together
 */
public record LimitsConfig(int connectionsPerSource, int handshakesPerSource, int sessionsPerUser, int tunnelsPerUser,
                           int streamsPerUser, int udpFlowsPerUser) {
    public static final int DEFAULT_CONNECTIONS_PER_SOURCE = 1024;
    public static final int DEFAULT_HANDSHAKES_PER_SOURCE = 32;
    public static final int DEFAULT_SESSIONS_PER_USER = 256;
    public static final int DEFAULT_TUNNELS_PER_USER = 1024;
    public static final int DEFAULT_STREAMS_PER_USER = 65_536;
    public static final int DEFAULT_UDP_FLOWS_PER_USER = 65_536;
    public static final LimitsConfig DEFAULTS = new LimitsConfig(DEFAULT_CONNECTIONS_PER_SOURCE,
            DEFAULT_HANDSHAKES_PER_SOURCE, DEFAULT_SESSIONS_PER_USER, DEFAULT_TUNNELS_PER_USER,
            DEFAULT_STREAMS_PER_USER, DEFAULT_UDP_FLOWS_PER_USER);

    public LimitsConfig {
        if (connectionsPerSource < 1 || handshakesPerSource < 1 || sessionsPerUser < 1 || tunnelsPerUser < 1
                || streamsPerUser < 1 || udpFlowsPerUser < 1) {
            throw new IllegalArgumentException("every limit must be at least 1");
        }
    }
}
