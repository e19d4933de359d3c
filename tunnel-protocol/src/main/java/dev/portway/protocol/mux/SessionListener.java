package dev.portway.protocol.mux;

import dev.portway.protocol.control.ControlMessage;
import dev.portway.protocol.control.GoAway;
import io.netty.buffer.ByteBuf;

/**
 * What the application (server or client) learns from a session. Called on the session's event loop; a
 * callback that needs storage or another slow resource hands the work off and returns.
 */
public interface SessionListener {
    /** HELLO has been exchanged: control messages may be sent and streams opened. */
    default void onReady(TunnelSession session) {
    }

    /** A control message other than HELLO. */
    void onControl(TunnelSession session, ControlMessage message);

    /**
     * The peer opened a stream. Returns the handler that receives its bytes, or null to refuse the stream,
     * which resets it with REFUSED_STREAM.
     */
    StreamHandler onStreamOpened(TunnelSession session, TunnelStream stream);

    /** The peer announced it is going away; no new streams should be opened towards it. */
    default void onGoAway(TunnelSession session, GoAway goAway) {
    }

    /** A UDP datagram for {@code flowId}; the listener owns {@code payload}. */
    default void onDatagram(TunnelSession session, int flowId, ByteBuf payload) {
        payload.release();
    }

    /** The carrier closed; called once, after every stream has been failed. */
    default void onClosed(TunnelSession session, Throwable cause) {
    }
}
