package dev.portway.protocol;

/**
 * Reason codes carried by GOAWAY and RST frames. The numeric code is what travels on the wire, so codes are
 * never renumbered; a code a peer does not know reads as {@link #INTERNAL_ERROR}.
 */
public enum ErrorCode {
    NO_ERROR(0),
    PROTOCOL_ERROR(1),
    INTERNAL_ERROR(2),
    FLOW_CONTROL_ERROR(3),
    FRAME_SIZE_ERROR(4),
    REFUSED_STREAM(5),
    CANCEL(6),
    CONNECT_FAILED(7),
    UNSUPPORTED_VERSION(8),
    AUTH_FAILED(9),
    KEEPALIVE_TIMEOUT(10),
    SHUTTING_DOWN(11),
    SESSION_REPLACED(12),
    TIMEOUT(13),
    CONNECTION_CLOSED(14);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static ErrorCode of(int code) {
        for (ErrorCode value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        return INTERNAL_ERROR;
    }
}
