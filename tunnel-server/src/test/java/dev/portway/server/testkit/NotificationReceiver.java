package dev.portway.server.testkit;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP receiver for notifications (a webhook, or a fake Telegram Bot API): records every request it gets and
 * answers 200, except for the first {@code failFirst} requests, which get 503.
 */
public final class NotificationReceiver implements AutoCloseable {
    public record Received(String path, String body, int answered) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final BlockingQueue<Received> accepted = new LinkedBlockingQueue<>();
    private final AtomicInteger requests = new AtomicInteger();

    public NotificationReceiver(int failFirst) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int status = requests.incrementAndGet() <= failFirst ? 503 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            if (status == 200) {
                accepted.add(new Received(exchange.getRequestURI().getPath(), body, status));
            }
        });
        server.start();
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** The next request answered 200, or null after {@code timeout}. */
    public Received next(Duration timeout) throws InterruptedException {
        return accepted.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Requests received so far, failed ones included. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
