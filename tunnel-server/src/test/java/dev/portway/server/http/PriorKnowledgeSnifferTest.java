package dev.portway.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PriorKnowledgeSnifferTest {
    private static final String PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

    /** Feeds {@code wire} cut at {@code cut}; returns the choice made and every byte handed on after it. */
    private static String sniff(String wire, int cut) {
        List<Boolean> choices = new ArrayList<>();
        StringBuilder passed = new StringBuilder();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(PriorKnowledgeSniffer.NAME, new PriorKnowledgeSniffer(Duration.ofSeconds(60),
                choices::add));
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                passed.append(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                ((ByteBuf) msg).release();
            }
        });
        byte[] bytes = wire.getBytes(StandardCharsets.US_ASCII);
        channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, cut));
        if (cut < bytes.length) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, cut, bytes.length - cut));
        }
        assertThat(channel.pipeline().get(PriorKnowledgeSniffer.NAME)).isNull();
        assertThat(channel.finish()).isFalse();
        return choices + " " + passed;
    }

    @Test
    void thePrefaceChoosesHttp2AndEveryByteGoesOn() {
        String wire = PREFACE + "\0\0\0\4\0\0\0\0\0";
        for (int cut = 1; cut <= wire.length(); cut++) {
            assertThat(sniff(wire, cut)).as("cut at %d", cut).isEqualTo("[true] " + wire);
        }
    }

    @Test
    void anHttp1RequestChoosesHttp1AtItsFirstDifferentByte() {
        String wire = "PRIVATE / HTTP/1.1\r\nHost: a\r\n\r\n";
        for (int cut = 1; cut <= wire.length(); cut++) {
            assertThat(sniff(wire, cut)).as("cut at %d", cut).isEqualTo("[false] " + wire);
        }
        assertThat(sniff("GET / HTTP/1.1\r\n\r\n", 1)).isEqualTo("[false] GET / HTTP/1.1\r\n\r\n");
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAtTheIdleTimeout() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new PriorKnowledgeSniffer(Duration.ofMillis(1), http2 -> {
        }));
        Thread.sleep(5);
        channel.runPendingTasks();
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finish()).isFalse();
    }
}
