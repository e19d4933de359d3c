package dev.portway.protocol.control;

import dev.portway.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlowMessagesTest {
    private static ControlMessage decode(String json) {
        ByteBuf payload = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
        try {
            return JsonCodec.decode(payload, ControlMessage.class);
        } finally {
            payload.release();
        }
    }

    @Test
    void flowMessagesRoundTripAndIgnoreUnknownFields() {
        ByteBuf encoded = JsonCodec.encode(ByteBufAllocator.DEFAULT, new FlowOpen(7, "dns", "203.0.113.7:4000"));
        try {
            assertThat(JsonCodec.decode(encoded, ControlMessage.class)).isEqualTo(new FlowOpen(7, "dns", "203.0.113.7:4000"));
        } finally {
            encoded.release();
        }
        assertThat(decode("{\"type\":\"flow_close\",\"flow\":7,\"reason\":\"idle\"}")).isEqualTo(new FlowClose(7));
    }

    @Test
    void aMissingFieldOrAFlowIdBelowOneIsAProtocolError() {
        assertThatThrownBy(() -> decode("{\"type\":\"flow_open\",\"flow\":1,\"tunnel\":\"dns\"}"))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("peer");
        assertThatThrownBy(() -> decode("{\"type\":\"flow_open\",\"flow\":0,\"tunnel\":\"dns\",\"peer\":\"x:1\"}"))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("flow must be positive");
        assertThatThrownBy(() -> decode("{\"type\":\"flow_close\",\"flow\":-3}"))
                .isInstanceOf(ProtocolException.class);
    }
}
