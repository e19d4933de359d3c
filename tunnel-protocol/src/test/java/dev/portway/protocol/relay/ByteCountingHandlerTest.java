package dev.portway.protocol.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ByteCountingHandlerTest {
    @Test
    void countsBytesReadAndWrittenAndPassesThemOnUntouched() {
        AtomicLong read = new AtomicLong();
        AtomicLong written = new AtomicLong();
        EmbeddedChannel channel = new EmbeddedChannel(new ByteCountingHandler(read::addAndGet, written::addAndGet));

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[100]), Unpooled.EMPTY_BUFFER, "not bytes");
        channel.writeOutbound(Unpooled.wrappedBuffer(new byte[7]), Unpooled.wrappedBuffer(new byte[3]));

        assertThat(read.get()).isEqualTo(100);
        assertThat(written.get()).isEqualTo(10);
        ByteBuf first = channel.readInbound();
        assertThat(first.readableBytes()).isEqualTo(100);
        first.release();
        assertThat(channel.finishAndReleaseAll()).isTrue();
    }
}
