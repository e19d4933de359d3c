package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonValue;

/** The kinds of public traffic a tunnel carries. */
public enum TunnelType {
    TCP("tcp");

    private final String wireName;

    TunnelType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }
}
