package dev.portway.server.admin;

import dev.portway.monitor.micrometer.PrometheusMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.util.Map;

/** {@code GET /metrics} (Prometheus text format) and {@code GET /healthz}. */
public final class MonitoringRoutes {
    public static final String METRICS = "/metrics";
    public static final String HEALTH = "/healthz";

    private MonitoringRoutes() {
    }

    public static AdminRouter addTo(AdminRouter router, PrometheusMetrics metrics) {
        return router
                .get(METRICS, (request, alloc) -> {
                    ByteBuf body = alloc.buffer();
                    try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
                        metrics.scrape(out);
                    } catch (IOException | RuntimeException e) {
                        body.release();
                        throw e;
                    }
                    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.OK, body);
                    response.headers().set(HttpHeaderNames.CONTENT_TYPE, PrometheusMetrics.CONTENT_TYPE);
                    return response;
                })
                // Up means the process serves requests; readiness of storage joins here when storage exists.
                .get(HEALTH, (request, alloc) -> Problems.json(alloc, HttpResponseStatus.OK, Problems.JSON,
                        Map.of("status", "up")));
    }
}
