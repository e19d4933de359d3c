package dev.portway.monitor;

import java.time.Instant;

/**
 * What the server and the client tell their meters, in their own words and without any metrics-library type, so
 * the code that moves bytes never depends on how the numbers are kept.
 *
 * <p>Labels stay bounded: tunnel names, user names and client ids are set by the operator (and a client id exists
 * only while its client is connected); reasons are enums. Peer addresses and request paths never become labels.
 *
 * <p>Threading: every method may be called from any thread. Methods on the per-connection path are cheap; the
 * per-byte path goes through a {@link TunnelTraffic} handle looked up once per connection.
 */
public interface TunnelMetrics {
    /** Records nothing; for tests and for a server whose metrics endpoint is disabled. */
    TunnelMetrics NOOP = NoopTunnelMetrics.INSTANCE;

    /** A client authenticated (on the server) or this client's connection is up (on the client). */
    void clientConnected(String clientId);

    /** The counterpart of {@link #clientConnected}; forgets the client's RTT as well. */
    void clientDisconnected(String clientId);

    /**
     * On the server: a client reconnected and took over its previous, not yet dead, connection. On the client: the
     * client is dialing the server again after losing it.
     */
    void reconnect();

    /** The latest PING round trip of a connected client's control connection; ignored for an unknown client. */
    void controlRtt(String clientId, long nanos);

    /** A tunnel's public listener opened (or, for HTTP tunnels later, its route was added). */
    void tunnelOpened(String tunnel, String user, String tunnelType);

    /** The listener or route closed; once none of the tunnel is left, its byte counters go too. */
    void tunnelClosed(String tunnel, String user, String tunnelType);

    /**
     * A registration was refused after {@link #traffic} was looked up for it: its counters go unless a tunnel of that
     * name and user is open. A peer choosing names must not leave a meter behind per attempt.
     */
    default void tunnelRefused(String tunnel, String user) {
    }

    /** @param tunnelType the tunnel type's wire name ({@code tcp}, {@code http}, ...): a small fixed set */
    void streamOpened(String tunnelType);

    void streamClosed(String tunnelType);

    /**
     * The byte counters of one tunnel and user; look it up once per connection, then count on the handle. They live
     * while the tunnel is open; bytes of connections that outlast it are counted on a handle no longer exported.
     */
    TunnelTraffic traffic(String tunnel, String user);

    /** Bytes from the public peer towards the local service. Prefer {@link #traffic} on a per-chunk path. */
    default void bytesIn(String tunnel, String user, long bytes) {
        traffic(tunnel, user).bytesIn(bytes);
    }

    /** Bytes from the local service towards the public peer. Prefer {@link #traffic} on a per-chunk path. */
    default void bytesOut(String tunnel, String user, long bytes) {
        traffic(tunnel, user).bytesOut(bytes);
    }

    /** A public connection was accepted and carried to its client as a stream. */
    void publicConnectionAccepted();

    void publicConnectionRefused(PublicConnectionRefusal reason);

    /** A public HTTP/2 stream or connection refused with an error code ({@link Http2Refusal}). */
    void http2Refused(Http2Refusal reason);

    void authFailure(AuthFailureReason reason);

    void quotaEvent(QuotaEvent kind);

    /**
     * The state of a certificate the server serves: when it expires, and how many times in a row its renewal has
     * failed (0 when the last attempt succeeded or none was due).
     */
    default void certificate(String name, Instant notAfter, int renewalFailures) {
    }

    /** The certificate {@code name} is not served any more: its meters go. */
    default void certificateGone(String name) {
    }

    /** An ACME order ended: {@code issued} or {@code failed}. */
    default void acmeOrder(boolean issued) {
    }

    /**
     * One request through an HTTP tunnel, from the request's first byte to the response's last.
     *
     * @param method any request method; ones outside the standard set are recorded as {@code OTHER}
     * @param status the response status; recorded by class ({@code 2xx}, ...)
     */
    void httpRequest(String tunnel, String method, int status, long nanos);

    /**
     * This server is a node of a cluster: its cluster meters, which exist from the first call on, at zero. A server
     * that never calls it exports none of them.
     */
    default ClusterMeters clusterNode() {
        return ClusterMeters.NONE;
    }

    /** A UDP flow (one public peer of one udp tunnel) was created. */
    default void udpFlowOpened() {
    }

    /** The counterpart of {@link #udpFlowOpened}: the flow was idle too long or its tunnel or client went away. */
    default void udpFlowClosed() {
    }

    default void udpDatagramDropped(UdpDrop reason) {
    }

    /**
     * A UDP socket of a tunnel (the server's public port, or a client's socket of one flow) is bound to
     * {@code localPort}: datagrams the kernel drops on it because its receive buffer is full are counted as
     * {@code reason="socket_buffer"} from now on.
     */
    default void udpSocketOpened(int localPort) {
    }

    /** The counterpart of {@link #udpSocketOpened}: the socket closed; what was counted of it stays counted. */
    default void udpSocketClosed(int localPort) {
    }
}
