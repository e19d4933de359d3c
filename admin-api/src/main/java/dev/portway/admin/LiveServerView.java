package dev.portway.admin;

import dev.portway.monitor.alerts.FiringAlert;
import dev.portway.monitor.events.EventJournal;

import java.util.List;

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

    /** Whether the control listener and the public listeners are bound: part of readiness. */
    boolean listenersBound();

    /** Client, tunnel and traffic-rate events of this node, with a short backlog, for {@code GET /api/v1/events}. */
    EventJournal events();

    /** The certificates the https port serves on this node; none without one. */
    default List<LiveCertificate> certificates() {
        return List.of();
    }

    /** The server's own alerts firing on this node; none when alerting is off. */
    default List<FiringAlert> alerts() {
        return List.of();
    }
}
