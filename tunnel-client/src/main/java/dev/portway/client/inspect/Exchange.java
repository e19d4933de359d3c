package dev.portway.client.inspect;

import java.time.Instant;

/**
 * One request and its response as the inspector recorded them: an immutable snapshot, replaced by a newer one as the
 * exchange progresses.
 *
 * @param id            increasing, unique in this client process
 * @param tunnel        the tunnel the request came through
 * @param peer          the public peer's address as the server reported it; {@code replay} for a replay
 * @param replayOf      the exchange this one replays; 0 for traffic that came through the tunnel
 * @param startedAt     when the first byte of the request head was seen
 * @param request       never null
 * @param requestBody   as far as it has been recorded
 * @param response      null until its head arrives
 * @param responseBody  as far as it has been recorded
 * @param state         where the exchange is
 * @param requestNanos  from the request's first byte to its last; -1 while it lasts
 * @param firstByteNanos from the request's first byte to the response head; -1 before it
 * @param totalNanos    from the request's first byte to the response's last; -1 before it
 * @param note          why the exchange is incomplete, when it is
 */
public record Exchange(long id, String tunnel, String peer, long replayOf, Instant startedAt,
                       HttpHead request, RecordedBody requestBody, HttpHead response, RecordedBody responseBody,
                       State state, long requestNanos, long firstByteNanos, long totalNanos, String note) {

    public enum State {
        /** The request is still arriving. */
        REQUEST,
        /** The request has arrived; the response has not ended yet. */
        RESPONSE,
        COMPLETE,
        /** The response switched protocols (WebSocket): what follows is not recorded. */
        UPGRADED,
        /** The connection ended, or stopped making sense as HTTP, before the exchange did. */
        INCOMPLETE
    }

    public boolean done() {
        return state == State.COMPLETE || state == State.UPGRADED || state == State.INCOMPLETE;
    }
}
