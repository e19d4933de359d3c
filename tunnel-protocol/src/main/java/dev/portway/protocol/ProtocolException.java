package dev.portway.protocol;

import io.netty.handler.codec.DecoderException;

/**
 * A peer broke the protocol. A connection error ends the whole carrier with GOAWAY; a stream error resets
 * one stream with RST and leaves the others running.
 */
public final class ProtocolException extends DecoderException {
    private final ErrorCode code;
    private final int streamId;

    private ProtocolException(ErrorCode code, int streamId, String message) {
        super(message);
        this.code = code;
        this.streamId = streamId;
    }

    public static ProtocolException connectionError(ErrorCode code, String format, Object... args) {
        return new ProtocolException(code, 0, String.format(format, args));
    }

    public static ProtocolException streamError(int streamId, ErrorCode code, String format, Object... args) {
        return new ProtocolException(code, streamId, String.format(format, args));
    }

    public ErrorCode code() {
        return code;
    }

    /** The stream a stream error concerns; 0 for a connection error. */
    public int streamId() {
        return streamId;
    }

    public boolean isConnectionError() {
        return streamId == 0;
    }

    /** Protocol errors are expected outcomes of bad input; a stack trace would only fill the logs. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
