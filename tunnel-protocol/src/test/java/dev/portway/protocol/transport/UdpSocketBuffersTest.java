package dev.portway.protocol.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class UdpSocketBuffersTest {
    private final Transport transport = Transport.detect();
    private final EventLoopGroup group = transport.newGroup(1, "udp-buffers-test");

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Channel bind(UdpSocketBuffers buffers) throws InterruptedException {
        return buffers.applyTo(new Bootstrap()).group(group).channel(transport.datagramChannel())
                .handler(new ChannelInboundHandlerAdapter()).bind("127.0.0.1", 0).sync().channel();
    }

    /** Small sizes stay under every kernel's cap, so the socket has at least what was asked. */
    @Test
    void theSizesAskedForAreSetOnTheSocket() throws Exception {
        Channel socket = bind(new UdpSocketBuffers(96 * 1024, 48 * 1024));
        try {
            assertThat(socket.config().getOption(ChannelOption.SO_RCVBUF)).isGreaterThanOrEqualTo(96 * 1024);
            assertThat(socket.config().getOption(ChannelOption.SO_SNDBUF)).isGreaterThanOrEqualTo(48 * 1024);
            new UdpSocketBuffers(96 * 1024, 48 * 1024).logWhenCapped(socket);
        } finally {
            socket.close().sync();
        }
    }

    @Test
    void sizesAreBounded() {
        assertThat(UdpSocketBuffers.DEFAULTS).isEqualTo(new UdpSocketBuffers(4 << 20, 4 << 20));
        assertThatThrownBy(() -> new UdpSocketBuffers(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UdpSocketBuffers(0, UdpSocketBuffers.MAX_SIZE + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
