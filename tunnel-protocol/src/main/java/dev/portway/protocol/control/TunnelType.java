package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Optional;

/**
 * The kinds of public traffic a tunnel carries: raw TCP on a port of its own, HTTP (and HTTPS, and WebSocket
 * upgrades) routed by host name and path on the server's shared web ports, or UDP datagrams on a port of its own.
 */
public enum TunnelType {
    TCP("tcp"),
    HTTP("http"),
    UDP("udp");

    private final String wireName;

    TunnelType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public static Optional<TunnelType> byWireName(String name) {
        for (TunnelType type : values()) {
            if (type.wireName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
