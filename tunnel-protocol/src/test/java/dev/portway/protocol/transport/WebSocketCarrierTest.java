package dev.portway.protocol.transport;

import dev.portway.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebSocketCarrierTest {
    @Test
    void eachOutgoingBufferBecomesOneBinaryMessageWithoutACopy() {
        EmbeddedChannel server = new EmbeddedChannel(new WebSocketCarrier(false));
        ByteBuf payload = Unpooled.buffer(300).writeBytes(new byte[300]);
        server.writeOutbound(payload);
        ByteBuf header = server.readOutbound();
        ByteBuf body = server.readOutbound();
        // FIN + binary, then 126: a 16-bit length follows; the server's frames are not masked.
        assertThat(ByteBufUtil.hexDump(header)).isEqualTo("827e012c");
        assertThat(body).isSameAs(payload);
        header.release();
        body.release();
        assertThat(server.finish()).isFalse();
    }

    @Test
    void theClientsMessagesCarryTheMaskBitWithAZeroKeyAndDecodeAsSent() {
        EmbeddedChannel client = new EmbeddedChannel(new WebSocketCarrier(true));
        byte[] sent = "sixteen bytes!!!".getBytes(StandardCharsets.US_ASCII);
        client.writeOutbound(Unpooled.wrappedBuffer(sent));
        ByteBuf header = client.readOutbound();
        ByteBuf body = client.readOutbound();
        assertThat(ByteBufUtil.hexDump(header)).isEqualTo("829000000000");

        // The server's decoder, which insists on masked frames, reads the same bytes back.
        EmbeddedChannel server = new EmbeddedChannel(
                new WebSocket13FrameDecoder(WebSocketCarrier.decoderConfig(1024, true)), new WebSocketCarrier(false));
        server.writeInbound(Unpooled.wrappedBuffer(header, body));
        ByteBuf received = server.readInbound();
        assertThat(ByteBufUtil.getBytes(received)).isEqualTo(sent);
        received.release();
        assertThat(server.finish()).isFalse();
        assertThat(client.finish()).isFalse();
    }

    @Test
    void lengthsPastSixtyFourKiBUseTheLongForm() {
        EmbeddedChannel server = new EmbeddedChannel(new WebSocketCarrier(false));
        server.writeOutbound(Unpooled.buffer(70_000).writerIndex(70_000));
        ByteBuf header = server.readOutbound();
        assertThat(ByteBufUtil.hexDump(header)).isEqualTo("827f" + "0000000000011170");
        header.release();
        ((ByteBuf) server.readOutbound()).release();
        assertThat(server.finish()).isFalse();
    }

    @Test
    void binaryAndContinuationPayloadsPassOnAsBytes() {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocketCarrier(false));
        channel.writeInbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {1, 2})));
        channel.writeInbound(new ContinuationWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {3})));
        ByteBuf first = channel.readInbound();
        ByteBuf second = channel.readInbound();
        assertThat(ByteBufUtil.getBytes(first)).containsExactly(1, 2);
        assertThat(ByteBufUtil.getBytes(second)).containsExactly(3);
        first.release();
        second.release();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aPingIsAnsweredAndACloseEndsTheConnection() {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocketCarrier(false));
        channel.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {7})));
        WebSocketFrame pong = channel.readOutbound();
        assertThat(pong).isInstanceOf(PongWebSocketFrame.class);
        assertThat(ByteBufUtil.getBytes(pong.content())).containsExactly(7);
        pong.release();
        channel.writeInbound(new PongWebSocketFrame());
        assertThat((Object) channel.readInbound()).isNull();
        channel.writeInbound(new CloseWebSocketFrame());
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aTextMessageIsAProtocolError() {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocketCarrier(false));
        assertThatThrownBy(() -> channel.writeInbound(new TextWebSocketFrame("hello")))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("expected binary WebSocket messages");
        assertThat(channel.finish()).isFalse();
    }
}
