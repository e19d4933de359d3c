package dev.portway.server.proxyprotocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyHeaderSnifferTest {
    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new ProxyHeaderSniffer(ProxyProtocolInbound.Refusal.CLOSE, "test"));
    }

    @Test
    void aV1HeaderSplitAcrossReadsIsRefused() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(ascii("PRO"));
        assertThat(channel.isOpen()).isTrue();
        channel.writeInbound(ascii("XY TCP4 203.0.113.7 198.51.100.2 40000 443\r\n"));

        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aV2SignatureIsRefused() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A}));
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{0x51, 0x55, 0x49, 0x54, 0x0A, 0x21}));

        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void otherBytesPassUnchangedOnceTheyRuleAHeaderOut() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(ascii("PR"));
        assertThat((Object) channel.readInbound()).isNull();
        channel.writeInbound(ascii("INT"));

        ByteBuf passed = channel.readInbound();
        assertThat(passed.toString(StandardCharsets.US_ASCII)).isEqualTo("PRINT");
        passed.release();
        assertThat(channel.pipeline().get(ProxyHeaderSniffer.class)).isNull();
        channel.writeInbound(ascii("PROXY later is data"));
        ByteBuf later = channel.readInbound();
        assertThat(later.toString(StandardCharsets.US_ASCII)).isEqualTo("PROXY later is data");
        later.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void theFirstByteDecidesForMostProtocols() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(ascii("G"));
        ByteBuf passed = channel.readInbound();
        assertThat(passed.toString(StandardCharsets.US_ASCII)).isEqualTo("G");
        passed.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
