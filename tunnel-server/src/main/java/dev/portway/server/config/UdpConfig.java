package dev.portway.server.config;

import dev.portway.protocol.transport.UdpSocketBuffers;

import java.time.Duration;
import java.util.Objects;

/**
 * UDP tunnels.
 *
 * @param idleTimeout   a flow (one public peer address) without a datagram either way for this long is removed
 * @param maxDatagram   larger datagrams are dropped and counted, never split
 * @param socketBuffers the kernel buffers of each udp tunnel's public socket; {@link UdpSocketBuffers#DEFAULTS}:
 *                      4 MiB each way
 */
public record UdpConfig(Duration idleTimeout, int maxDatagram, UdpSocketBuffers socketBuffers) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_DATAGRAM = 65507;
    public static final UdpConfig DEFAULTS = new UdpConfig(DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_DATAGRAM);

    public UdpConfig {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(socketBuffers, "socketBuffers");
        if (maxDatagram < 1 || maxDatagram > DEFAULT_MAX_DATAGRAM) {
            throw new IllegalArgumentException("udp.maxDatagram must be 1 to 65507: " + maxDatagram);
        }
    }

    /** With the default socket buffers. */
    public UdpConfig(Duration idleTimeout, int maxDatagram) {
        this(idleTimeout, maxDatagram, UdpSocketBuffers.DEFAULTS);
    }
}
