package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonValue;

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
}
