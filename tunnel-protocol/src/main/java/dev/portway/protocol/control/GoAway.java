package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portway.protocol.ErrorCode;

/**
 * Payload of a GOAWAY frame. It has a frame type of its own rather than riding CONTROL so that a peer can
 * read it at any point, even before HELLO, and so a broken control stream can still be reported.
 */
public record GoAway(@JsonProperty(required = true) int code, String reason) {
    public static GoAway of(ErrorCode code, String reason) {
        return new GoAway(code.code(), reason);
    }

    @JsonIgnore
    public ErrorCode errorCode() {
        return ErrorCode.of(code);
    }
}
