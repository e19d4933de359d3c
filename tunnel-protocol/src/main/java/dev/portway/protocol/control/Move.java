package dev.portway.protocol.control;

/**
 * Server to client: this node of a cluster is going away; connect to another node now and take the session over
 * there. Unlike GOAWAY, the connection goes on carrying new streams until the other node has taken the session over
 * (and this one ends it), so the client's tunnels are never unserved. Sent only to a client whose HELLO lists
 * {@link Hello#MOVE}; others get GOAWAY {@code SHUTTING_DOWN}.
 */
public record Move(String reason) implements ControlMessage {
}
