package dev.portway.admin;

import dev.portway.admin.problem.ApiException;
import dev.portway.admin.problem.ProblemType;
import dev.portway.monitor.alerts.FiringAlert;
import dev.portway.monitor.events.EventJournal;
import dev.portway.storage.sessions.SessionOwner;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the admin API may see of, and ask of, the running server. The server implements it; the admin API never
 * reaches into server internals.
 *
 * <p><b>Threading:</b> called from storage executor threads and the admin transport's threads, concurrently. Methods
 * must not block for long: {@link #disconnect} starts the close and returns.
 */
public interface LiveServerView {
    /** The client sessions connected to this node now. */
    List<LiveSession> sessions();

    /**
     * Sends GOAWAY to the session and closes it.
     *
     * @return {@code false} when no such session is connected (any more)
     */
    boolean disconnect(String sessionId);

    /** The client sessions of every node of the cluster; this node's alone when it is not part of one. */
    default CompletableFuture<List<LiveSession>> clusterSessions() {
        return CompletableFuture.completedFuture(sessions());
    }

    /**
     * Ends the session wherever it is connected: on this node at once, on another node by asking that node.
     *
     * @return where it is ended, or {@link Ending#NOT_CONNECTED}
     */
    default CompletableFuture<Ending> end(String sessionId) {
        return CompletableFuture.completedFuture(disconnect(sessionId) ? Ending.HERE : Ending.NOT_CONNECTED);
    }

    /**
     * Ends the sessions of {@code owner} (its token revoked, its user suspended or deleted) on every node: this
     * node's at once, the other nodes' by asking them.
     *
     * @return the ids of the sessions this node closed and of those the other nodes were asked to close
     */
    default CompletableFuture<List<String>> endSessionsOf(SessionOwner owner) {
        return CompletableFuture.completedFuture(sessions().stream()
                .filter(session -> owner.owns(session.userId(), session.tokenId()))
                .map(LiveSession::id)
                .filter(this::disconnect)
                .toList());
    }

    /** What {@link #end} did. */
    enum Ending {
        /** This node closed it. */
        HERE,
        /** Another node of the cluster holds it and was asked to close it. */
        ASKED_ITS_NODE,
        NOT_CONNECTED
    }

    /** Whether the control listener and the public listeners are bound: part of readiness. */
    boolean listenersBound();

    /** Client, tunnel and traffic-rate events of this node, with a short backlog, for {@code GET /api/v1/events}. */
    EventJournal events();

    /** The certificates the https port serves on this node, and those being ordered; none without one. */
    default List<LiveCertificate> certificates() {
        return List.of();
    }

    /** The server's own alerts firing on this node; none when alerting is off. */
    default List<FiringAlert> alerts() {
        return List.of();
    }

    /**
     * Has a certificate ordered for {@code domain} (a host name the caller checked) and kept renewed; completes with
     * its entry as it stands, usually {@code pending}. Fails with an {@link ApiException}: 409 when ACME is off or a
     * file certificate serves the name, 422 when the name cannot be validated (a wildcard without dns-01).
     */
    default CompletionStage<LiveCertificate> requestCertificate(String domain) {
        return CompletableFuture.failedFuture(acmeDisabled());
    }

    /**
     * Stops serving and renewing the ACME certificate {@code name} on every node. Fails with an {@link ApiException}:
     * 404 when there is none, 409 when it is configured (https.acme.domains, a file certificate) or ACME is off.
     */
    default CompletionStage<Void> deleteCertificate(String name) {
        return CompletableFuture.failedFuture(acmeDisabled());
    }

    static ApiException acmeDisabled() {
        return new ApiException(ProblemType.ACME_DISABLED, "This server gets no certificates from an ACME CA: "
                + "https.acme is not set in server.yaml (or https.port is 0)", null, Map.of());
    }
}
