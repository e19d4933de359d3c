package dev.portway.admin.traffic;

import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.QueryParam;
import dev.portway.admin.http.Route;
import dev.portway.admin.tunnels.OwnedTunnels;
import dev.portway.storage.Storage;
import dev.portway.storage.traffic.TrafficHour;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Hourly traffic of one tunnel, from the flushed history in storage (up to one flush interval behind). */
public final class TrafficRoutes {
    static final QueryParam HOURS = new QueryParam("hours", 1, 24 * 31, 24,
            "How many hours back, the current hour included");

    private final Storage storage;
    private final OwnedTunnels owned;
    private final Clock clock;

    public TrafficRoutes(Storage storage, Clock clock) {
        this.storage = storage;
        this.owned = new OwnedTunnels(storage.tunnels());
        this.clock = clock;
    }

    /** One hour of a series; hours without traffic are present with zeros, so a chart needs no gap filling. */
    public record TrafficHourView(String hour, long bytesIn, long bytesOut, long connections) {
    }

    public record TrafficSeriesView(long tunnelId, String from, String to, long bytesIn, long bytesOut,
                                    long connections, List<TrafficHourView> hours) {
    }

    public List<Route> routes() {
        return List.of(Route.route("GET", "/api/v1/tunnels/{id}/traffic", "getTunnelTraffic")
                .summary("Hourly bytes and connections of a tunnel, oldest hour first")
                .query(HOURS)
                .response(200, BodyShape.of(TrafficSeriesView.class))
                .errors(404, 422)
                .handler(this::traffic));
    }

    private CompletableFuture<AdminResponse> traffic(Call call) {
        long id = call.idParameter("id");
        int hours = call.intQuery(HOURS);
        Instant to = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
        Instant from = to.minus(hours, ChronoUnit.HOURS);
        return owned.load(call.operator(), id)
                .thenCompose(tunnel -> storage.traffic().hourly(id, from, to))
                .thenApply(rows -> Json.response(200, series(id, from, hours, rows)));
    }

    private static TrafficSeriesView series(long tunnelId, Instant from, int hours, List<TrafficHour> rows) {
        Map<Instant, TrafficHour> byHour = rows.stream().collect(Collectors.toMap(TrafficHour::hour, Function.identity()));
        List<TrafficHourView> series = new ArrayList<>(hours);
        long in = 0;
        long out = 0;
        long connections = 0;
        for (int i = 0; i < hours; i++) {
            Instant hour = from.plus(i, ChronoUnit.HOURS);
            TrafficHour row = byHour.get(hour);
            if (row == null) {
                series.add(new TrafficHourView(Json.time(hour), 0, 0, 0));
            } else {
                series.add(new TrafficHourView(Json.time(hour), row.bytesIn(), row.bytesOut(), row.connections()));
                in += row.bytesIn();
                out += row.bytesOut();
                connections += row.connections();
            }
        }
        return new TrafficSeriesView(tunnelId, Json.time(from), Json.time(from.plus(hours, ChronoUnit.HOURS)), in, out,
                connections, series);
    }
}
