package dev.portway.protocol.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The kernel buffers of a tunnel's UDP sockets ({@code SO_RCVBUF}, {@code SO_SNDBUF}). A datagram that arrives while
 * the receive buffer is full is dropped by the kernel before Portway sees it; the stock Linux default (about 208 KiB)
 * holds some 140 full-size datagrams, which a burst at a few hundred Mbit/s fills while the event loop is busy
 * elsewhere. Linux caps what a process may ask for at {@code net.core.rmem_max} / {@code wmem_max}; what it granted is
 * logged once.
 *
 * @param receive bytes of {@code SO_RCVBUF} to ask for; 0 leaves the kernel's default
 * @param send    bytes of {@code SO_SNDBUF} to ask for; 0 leaves the kernel's default
 */
public record UdpSocketBuffers(int receive, int send) {
    private static final Logger log = LoggerFactory.getLogger(UdpSocketBuffers.class);
    public static final int DEFAULT_SIZE = 4 * 1024 * 1024;
    /** Far above what any kernel grants by default; more is a typo rather than a plan. */
    public static final int MAX_SIZE = 256 * 1024 * 1024;
    public static final UdpSocketBuffers DEFAULTS = new UdpSocketBuffers(DEFAULT_SIZE, DEFAULT_SIZE);
    private static final AtomicBoolean CAPPED_LOGGED = new AtomicBoolean();

    public UdpSocketBuffers {
        if (receive < 0 || receive > MAX_SIZE || send < 0 || send > MAX_SIZE) {
            throw new IllegalArgumentException("UDP socket buffers must be 0 to " + MAX_SIZE + " bytes: " + receive
                    + ", " + send);
        }
    }

    /** Sets the sizes asked for on a bootstrap of datagram channels. */
    public Bootstrap applyTo(Bootstrap bootstrap) {
        if (receive > 0) {
            bootstrap.option(ChannelOption.SO_RCVBUF, receive);
        }
        if (send > 0) {
            bootstrap.option(ChannelOption.SO_SNDBUF, send);
        }
        return bootstrap;
    }

    /**
     * Says once per process when the kernel granted less than asked, and how to allow more: without it an operator
     * would only see drops. Linux reports twice the usable size (it counts its bookkeeping too).
     */
    public void logWhenCapped(Channel socket) {
        int granted = socket.config().getOption(ChannelOption.SO_RCVBUF);
        if (receive > 0 && granted < receive && CAPPED_LOGGED.compareAndSet(false, true)) {
            log.info("[udp] asked for a {} byte receive buffer, the kernel granted {}: it caps them at "
                    + "net.core.rmem_max (sysctl -w net.core.rmem_max={} allows it); datagrams a full buffer drops "
                    + "are counted as portway_udp_datagrams_dropped_total{reason=\"socket_buffer\"}",
                    receive, granted, receive);
        }
    }
}
