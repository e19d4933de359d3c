package dev.portway.server.config;

import dev.portway.protocol.transport.WebSocketCarrier;

import java.util.List;
import java.util.Objects;

/**
 * Clients on the HTTPS port: a client that can get out only over HTTPS connects with {@code wss://} and upgrades a
 * request for {@code path} to a WebSocket that carries the same frames as the control port. The upgrade is taken on
 * any host the HTTPS port terminates TLS for, but only when it names the Portway subprotocol, so a web app's own
 * WebSocket on that path is still relayed to its tunnel.
 *
 * @param enabled whether the HTTPS port accepts clients at all
 * @param path    the upgrade request's path
 * @param hosts   names served for clients even with no tunnel on them (the server's own name, as clients dial it):
 *                TLS is terminated with the certificate covering the name, or the control port's own
 */
public record ClientConnectConfig(boolean enabled, String path, List<String> hosts) {
    public static final ClientConnectConfig DEFAULTS = new ClientConnectConfig(true, WebSocketCarrier.DEFAULT_PATH,
            List.of());

    public ClientConnectConfig {
        Objects.requireNonNull(path, "path");
        if (!WebSocketCarrier.isUpgradePath(path)) {
            throw new IllegalArgumentException("https.clientConnect.path must be an absolute path without spaces, query "
                    + "or fragment: " + path);
        }
        hosts = List.copyOf(hosts);
    }
}
