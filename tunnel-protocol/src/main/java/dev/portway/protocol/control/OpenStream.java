package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Payload of an OPEN frame: which tunnel the stream belongs to and who is on the public end. */
public record OpenStream(@JsonProperty(required = true) String tunnel, String peer) {
}
