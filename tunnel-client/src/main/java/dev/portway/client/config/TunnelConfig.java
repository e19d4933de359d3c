package dev.portway.client.config;

import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.TunnelType;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One tunnel from {@code client.yaml}: public traffic on the server's {@code remotePort} is carried to
 * {@code local}, which is the only address this tunnel ever dials.
 *
 * @param remotePort 0 lets the server pick a port from its allowed ranges
 */
public record TunnelConfig(String name, TunnelType type, HostPort local, int remotePort) {

    /** Names appear in logs, metrics tags and the wire protocol, so they are kept short and plain. */
    public static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    public static final int DEFAULT_REMOTE_PORT = 0;

    public TunnelConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(local, "local");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid tunnel name: " + name);
        }
        if (remotePort < 0 || remotePort > 65535) {
            throw new IllegalArgumentException("remotePort out of range: " + remotePort);
        }
    }

    public static TunnelConfig tcp(String name, HostPort local, int remotePort) {
        return new TunnelConfig(name, TunnelType.TCP, local, remotePort);
    }
}
