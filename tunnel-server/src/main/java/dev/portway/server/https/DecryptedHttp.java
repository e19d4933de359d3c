package dev.portway.server.https;

import io.netty.channel.Channel;

/**
 * The HTTP side of a terminated https connection: whatever serves http tunnels on the plain port, told that the
 * scheme is https (so that it sets {@code X-Forwarded-Proto: https}).
 *
 * <p>Threading: called on the connection's event loop, after the TLS handler was added and before the decrypted
 * bytes arrive; implementations add their handlers at the end of the pipeline and take over reading.
 */
@FunctionalInterface
public interface DecryptedHttp {
    /** @param sniHost the host name the client asked for in SNI, lower case */
    void serve(Channel channel, String sniHost);
}
