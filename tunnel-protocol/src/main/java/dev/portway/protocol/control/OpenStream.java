package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Payload of an OPEN frame: which tunnel the stream belongs to and who is on the public end.
 *
 * @param peer   the public peer, {@code ip:port}; behind a trusted proxy, the address its PROXY header gave
 * @param target the public address the peer connected to, {@code ip:port}; absent when unknown (older servers),
 *               and then a PROXY header towards the local service cannot be written
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OpenStream(@JsonProperty(required = true) String tunnel, String peer, String target) {
    public OpenStream(String tunnel, String peer) {
        this(tunnel, peer, null);
    }
}
