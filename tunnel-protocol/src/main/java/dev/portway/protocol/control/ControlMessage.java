package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Every message that travels as JSON in a CONTROL frame on stream 0. The {@code type} property names the
 * record; unknown properties are ignored and unknown types are skipped, so a newer peer can add both.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Hello.class, name = "hello"),
        @JsonSubTypes.Type(value = Auth.class, name = "auth"),
        @JsonSubTypes.Type(value = AuthResult.class, name = "auth_result"),
        @JsonSubTypes.Type(value = TunnelRegister.class, name = "tunnel_register"),
        @JsonSubTypes.Type(value = TunnelUnregister.class, name = "tunnel_unregister"),
        @JsonSubTypes.Type(value = TunnelResult.class, name = "tunnel_result"),
        @JsonSubTypes.Type(value = TunnelPush.class, name = "tunnel_push"),
        @JsonSubTypes.Type(value = FlowOpen.class, name = "flow_open"),
        @JsonSubTypes.Type(value = FlowClose.class, name = "flow_close"),
        @JsonSubTypes.Type(value = Move.class, name = "move"),
})
public sealed interface ControlMessage
        permits Hello, Auth, AuthResult, TunnelRegister, TunnelUnregister, TunnelResult, TunnelPush, FlowOpen,
        FlowClose, Move {
}
