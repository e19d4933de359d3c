package dev.portway.protocol.mux;

import dev.portway.protocol.ErrorCode;

/** A stream ended by RST or by the loss of its carrier rather than by FIN from both sides. */
public final class StreamResetException extends Exception {
    private final ErrorCode code;

    public StreamResetException(ErrorCode code, String reason) {
        super(code + (reason == null || reason.isEmpty() ? "" : ": " + reason));
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
