package dev.portway.client.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portway.client.config.ClientMetricsConfig;
import dev.portway.monitor.micrometer.PrometheusMetrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} of the client on {@code 127.0.0.1:metrics.port}. One route for one local scraper: the JDK's
 * HTTP server on a single daemon thread does it without a second Netty HTTP stack in the client, and never touches
 * the event loops that carry tunnel traffic.
 */
public final class ClientMetricsEndpoint implements AutoCloseable {
    private final HttpServer server;

    private ClientMetricsEndpoint(HttpServer server) {
        this.server = server;
    }

    public static ClientMetricsEndpoint start(ClientMetricsConfig config, PrometheusMetrics metrics) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(ClientMetricsConfig.BIND, config.port()), 16);
        server.createContext("/", exchange -> serve(exchange, metrics));
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "portway-client-metrics");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return new ClientMetricsEndpoint(server);
    }

    private static void serve(HttpExchange exchange, PrometheusMetrics metrics) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!path.equals("/metrics")) {
                reply(exchange, 404, "application/problem+json", ("{\"type\":\"about:blank\",\"title\":\"Not Found\","
                        + "\"status\":404,\"detail\":\"only /metrics is served here\"}").getBytes(StandardCharsets.UTF_8));
            } else if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                reply(exchange, 405, "application/problem+json", ("{\"type\":\"about:blank\",\"title\":\"Method Not "
                        + "Allowed\",\"status\":405,\"detail\":\"use GET\"}").getBytes(StandardCharsets.UTF_8));
            } else {
                ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
                metrics.scrape(body);
                reply(exchange, 200, PrometheusMetrics.CONTENT_TYPE, body.toByteArray());
            }
        }
    }

    private static void reply(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
