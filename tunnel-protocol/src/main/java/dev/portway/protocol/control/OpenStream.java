package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Payload of an OPEN frame: which tunnel the stream belongs to and who is on the public end.
 *
 * @param peer    the public peer, {@code ip:port}; behind a trusted proxy, the address its PROXY header gave
 * @param target  the public address the peer connected to, {@code ip:port}; absent when unknown (older servers),
 *                and then a PROXY header towards the local service cannot be written
 * @param session only on a link between two server nodes: the id of the client session, on the receiving node,
 *                whose tunnel the stream is for (tunnel names are unique per client, not per node). Clients never
 *                see it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OpenStream(@JsonProperty(required = true) String tunnel, String peer, String target, String session) {
    public OpenStream(String tunnel, String peer, String target) {
        this(tunnel, peer, target, null);
    }

    public OpenStream(String tunnel, String peer) {
        this(tunnel, peer, null, null);
    }

    /** The same stream as the receiving node hands it on to its client: without the session. */
    public OpenStream towardsClient() {
        return new OpenStream(tunnel, peer, target, null);
    }
}
