package dev.portway.server.http;

import java.util.Optional;

/**
 * Requests the server answers itself on the public web ports before routing by host, whatever tunnel serves the
 * name: an ACME CA's HTTP-01 validation request, which must reach the server even for names a tunnel owns.
 *
 * <p>Threading: {@link #answer} is called on event loops and must not block.
 */
public interface WellKnownAnswers {
    WellKnownAnswers NONE = (host, path) -> Optional.empty();

    /**
     * @param host the request's host, as sent (possibly with a port)
     * @param path the request's path, without query
     * @return the text/plain body to answer 200 with, or empty to route the request as usual
     */
    Optional<String> answer(String host, String path);
}
