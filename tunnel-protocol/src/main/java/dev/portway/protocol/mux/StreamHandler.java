package dev.portway.protocol.mux;

import dev.portway.protocol.ErrorCode;
import io.netty.buffer.ByteBuf;

/**
 * Receives what the peer sends on one stream. Called on the session's event loop; callbacks must not block.
 */
public interface StreamHandler {
    /**
     * Bytes from the peer. The handler owns {@code data} and calls {@link TunnelStream#consumed} once the bytes
     * have left its hands; until then they count against the stream's window.
     */
    void onData(TunnelStream stream, ByteBuf data);

    /** The peer finished: no more data will come. Everything it sent before has been delivered. */
    void onFinish(TunnelStream stream);

    /** The stream was aborted by the peer or lost with the carrier; nothing more will be delivered. */
    void onReset(TunnelStream stream, ErrorCode code, String reason);
}
