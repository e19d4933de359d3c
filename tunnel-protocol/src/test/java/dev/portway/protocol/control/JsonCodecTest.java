package dev.portway.protocol.control;

import dev.portway.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonCodecTest {

    @Test
    void everyControlMessageRoundTrips() {
        List<ControlMessage> messages = List.of(
                new Hello(1, "0.1.0", List.of("udp"), 65536, 100),
                new Auth("secret-token-123", "laptop"),
                AuthResult.accepted("laptop", "s-1"),
                AuthResult.refused("bad token", AuthResult.INVALID_TOKEN),
                AuthResult.suspended("allowance used", 60, "2026-12-01T00:00:00Z"),
                new TunnelRegister(List.of(new TunnelSpec("web", TunnelType.TCP, 8080, null))),
                new TunnelUnregister(List.of("web")),
                new TunnelResult(List.of(TunnelResult.Status.accepted("web", "example.com:8080"),
                        TunnelResult.Status.refused("ssh", "port taken"))),
                new TunnelPush(TunnelPush.Action.ADD, new TunnelSpec("db", TunnelType.TCP, 0, "127.0.0.1:5432")));
        for (ControlMessage message : messages) {
            ByteBuf encoded = JsonCodec.encode(UnpooledByteBufAllocator.DEFAULT, message);
            try {
                assertThat(JsonCodec.decode(encoded, ControlMessage.class)).isEqualTo(message);
            } finally {
                encoded.release();
            }
        }
    }

    @Test
    void unknownFieldsAreIgnored() {
        ControlMessage message = decode("{\"type\":\"auth\",\"token\":\"t0k3n\",\"clientId\":\"c1\","
                + "\"futureField\":{\"nested\":[1,2,3]},\"another\":true}");
        assertThat(message).isEqualTo(new Auth("t0k3n", "c1"));
    }

    /** Only a wrong token or a malformed AUTH make the client stop; an older server's refusal has no error at all. */
    @Test
    void onlyRefusalsThatAskingAgainCannotLiftArePermanent() {
        assertThat(AuthResult.refused("invalid token", AuthResult.INVALID_TOKEN).permanent()).isTrue();
        assertThat(AuthResult.refused("bad client id", AuthResult.MALFORMED).permanent()).isTrue();
        assertThat(AuthResult.refused("too many clients", "session_limit").permanent()).isFalse();
        assertThat(AuthResult.suspended("allowance used", 60, null).permanent()).isFalse();
        AuthResult fromOlderServer = (AuthResult) decode("{\"type\":\"auth_result\",\"ok\":false,\"reason\":\"invalid token\"}");
        assertThat(fromOlderServer.permanent()).isFalse();
        assertThat(AuthResult.accepted("c1", "s1").permanent()).isFalse();
    }

    @Test
    void absentOptionalFieldsTakeTheirDefaults() {
        assertThat(decode("{\"type\":\"hello\",\"protocolVersion\":1}"))
                .isEqualTo(new Hello(1, null, List.of(), 0, 0));
        assertThat(decode("{\"type\":\"tunnel_register\",\"tunnels\":[{\"name\":\"web\",\"type\":\"tcp\"}]}"))
                .isEqualTo(new TunnelRegister(List.of(new TunnelSpec("web", TunnelType.TCP, 0, null))));
    }

    @Test
    void unknownMessageTypeDecodesAsNull() {
        assertThat(decode("{\"type\":\"from_the_future\",\"x\":1}")).isNull();
    }

    @Test
    void missingRequiredFieldIsNamed() {
        assertThatThrownBy(() -> decode("{\"type\":\"auth\",\"clientId\":\"c1\"}"))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("token");
    }

    @Test
    void missingNestedFieldIsNamedWithItsPath() {
        assertThatThrownBy(() -> decode("{\"type\":\"tunnel_register\",\"tunnels\":[{\"type\":\"tcp\"}]}"))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("tunnels[0].name");
    }

    @Test
    void wrongFieldTypeIsNamedWithItsPath() {
        assertThatThrownBy(() -> decode("{\"type\":\"tunnel_register\",\"tunnels\":[{\"name\":\"a\",\"type\":\"tcp\"},"
                + "{\"name\":\"b\",\"type\":\"tcp\",\"remotePort\":\"many\"}]}"))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("tunnels[1].remotePort");
    }

    @Test
    void syntaxErrorIsAProtocolError() {
        assertThatThrownBy(() -> decode("{\"type\":\"auth\",\"token\":")).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> decode("")).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> decode("{\"type\":\"auth\",\"token\":\"a\"} trailing")).isInstanceOf(ProtocolException.class);
    }

    @Test
    void jsonNullIsNotAnOpenStreamOrGoAway() {
        assertThatThrownBy(() -> decode("null", OpenStream.class)).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> decode("null", GoAway.class)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void tokenIsRedactedInToString() {
        assertThat(new Auth("supersecrettoken", "c1").toString()).doesNotContain("supersecrettoken").contains("supe***");
    }

    private static ControlMessage decode(String json) {
        return decode(json, ControlMessage.class);
    }

    private static <T> T decode(String json, Class<T> type) {
        ByteBuf buf = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
        try {
            return JsonCodec.decode(buf, type);
        } finally {
            buf.release();
        }
    }
}
