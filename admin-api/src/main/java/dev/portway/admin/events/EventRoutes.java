package dev.portway.admin.events;

import dev.portway.admin.LiveServerView;
import dev.portway.admin.http.AdminRequest;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Route;
import dev.portway.monitor.events.EventJournal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@code GET /api/v1/events}: the live event stream as Server-Sent Events. A {@code user} key gets its own clients'
 * and tunnels' events and its own tunnels' rates; an admin key gets everything. {@code Last-Event-ID} resumes after
 * that id from the server's backlog.
 */
public final class EventRoutes {
    public static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";

    private final LiveServerView liveServer;
    private final Function<AdminRequest, CompletableFuture<?>> authenticate;

    /** @param authenticate authenticates a request again, so an open stream ends once its key or session would not */
    public EventRoutes(LiveServerView liveServer, Function<AdminRequest, CompletableFuture<?>> authenticate) {
        this.liveServer = liveServer;
        this.authenticate = authenticate;
    }

    public List<Route> routes() {
        return List.of(Route.route("GET", "/api/v1/events", "streamEvents")
                .summary("Live events as text/event-stream: client.connected, client.disconnected, tunnel.up,"
                        + " tunnel.down, and every 2 s a rates snapshot (bytes per second per tunnel). Each event has"
                        + " an id; reconnecting with Last-Event-ID resumes from a backlog of the last "
                        + EventJournal.DEFAULT_CAPACITY + " events, preceded by an"
                        + " events.lost event when some are no longer held. A user key sees only its own.")
                .handler(this::stream));
    }

    private CompletableFuture<AdminResponse> stream(Call call) {
        long lastEventId = lastEventId(call);
        String viewer = call.operator().isAdmin() ? null : call.operator().userName();
        return CompletableFuture.completedFuture(AdminResponse.streaming(200,
                Map.of("Content-Type", CONTENT_TYPE, "Cache-Control", "no-cache"),
                new EventStream(liveServer.events(), lastEventId, viewer,
                        () -> authenticate.apply(call.request()), EventStream.RECHECK_EVERY)));
    }

    /** An id this server never issued (not a number) is treated as none: the stream starts with live events. */
    private static long lastEventId(Call call) {
        String value = call.request().header("last-event-id").orElse("").trim();
        try {
            return value.isEmpty() ? -1 : Math.max(-1, Long.parseLong(value));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
