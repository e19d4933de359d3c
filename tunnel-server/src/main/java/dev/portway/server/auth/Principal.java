package dev.portway.server.auth;

/** Who a client token belongs to. Tunnels, ports and sessions are owned by a principal. */
public record Principal(String user) {
}
