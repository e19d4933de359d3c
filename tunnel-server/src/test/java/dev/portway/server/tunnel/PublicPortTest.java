package dev.portway.server.tunnel;

import dev.portway.protocol.config.PortRanges;
import dev.portway.server.tcp.PortAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PublicPortTest {
    private final PortAllocator ports = new PortAllocator(PortRanges.of(4000, 4000));

    @Test
    void closingClosesTheSocketAndGivesThePortBack() {
        assertThat(ports.reserve(4000)).isNull();
        PublicPort port = new PublicPort(4000, ports);
        EmbeddedChannel socket = new EmbeddedChannel();
        port.bound(socket);

        port.close();

        assertThat(socket.isOpen()).isFalse();
        assertThat(ports.reserve(4000)).isNull();
    }

    @Test
    void aPortThatNeverGotASocketIsGivenBackAtOnce() {
        assertThat(ports.reserve(4000)).isNull();

        new PublicPort(4000, ports).close();

        assertThat(ports.reserve(4000)).isNull();
    }

    @Test
    void theAddressNamesTheConfiguredHostOrLeavesItToTheClient() {
        PublicPort port = new PublicPort(4000, ports);

        assertThat(port.address("tunnel.example")).isEqualTo("tunnel.example:4000");
        assertThat(port.address(null)).isEqualTo(":4000");
    }

    @Test
    void aTunnelKeepsThePortWhenItAsksForItOrForAnyPort() {
        PublicPort port = new PublicPort(4000, ports);

        assertThat(port.serves(0)).isTrue();
        assertThat(port.serves(4000)).isTrue();
        assertThat(port.serves(4001)).isFalse();
    }
}
