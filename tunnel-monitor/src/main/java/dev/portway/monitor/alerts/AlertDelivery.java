package dev.portway.monitor.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Posts JSON bodies to notification receivers, retrying with exponential backoff (initial, ×2, at most
 * {@link #MAX_BACKOFF}) until a 2xx answer or the last attempt. Everything is asynchronous: {@link #post} returns at
 * once, requests run on the HTTP client's threads and retries wait on a scheduler thread of its own, so a slow or dead
 * receiver never blocks the evaluation, let alone an event loop. At most {@link #MAX_PENDING} deliveries are in
 * flight or waiting; beyond that new ones are dropped with a warning rather than queued without bound.
 *
 * <p>Logs name a receiver by the {@code target} its notifier gives, never by its URL, which may hold a secret (the
 * Telegram bot token is part of the path).
 */
public final class AlertDelivery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertDelivery.class);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    static final int MAX_PENDING = 1000;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int attempts;
    private final Duration initialBackoff;
    private final HttpClient http;
    private final ScheduledExecutorService retries;
    private final AtomicInteger pending = new AtomicInteger();

    /**
     * @param attempts       tries per notification, at least 1
     * @param initialBackoff wait before the second try; doubled for each further one
     */
    public AlertDelivery(int attempts, Duration initialBackoff) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
        }
        this.attempts = attempts;
        this.initialBackoff = initialBackoff;
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "portway-alert-delivery");
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).executor(retries).build();
    }

    /** Sends {@code body} to {@code uri}; {@code target} names the receiver in logs. */
    public void post(URI uri, String target, ObjectNode body) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serializes", e);
        }
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            log.warn("[notifier={}] {} notifications are pending already; dropping this one", target, MAX_PENDING);
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build();
        attempt(request, target, 1);
    }

    private void attempt(HttpRequest request, String target, int attempt) {
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (error == null && response.statusCode() / 100 == 2) {
                pending.decrementAndGet();
                return;
            }
            // The exception's message may quote the URL; its type says enough.
            String why = error != null ? error.getClass().getSimpleName() : "HTTP " + response.statusCode();
            if (attempt >= attempts) {
                pending.decrementAndGet();
                log.warn("[notifier={}] giving up after {} attempt(s): {}", target, attempt, why);
                return;
            }
            Duration wait = backoff(attempt);
            log.debug("[notifier={}] attempt {} failed ({}); retrying in {} ms", target, attempt, why, wait.toMillis());
            try {
                retries.schedule(() -> attempt(request, target, attempt + 1), wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                pending.decrementAndGet();
            }
        });
    }

    Duration backoff(int failedAttempts) {
        Duration wait = initialBackoff.multipliedBy(1L << Math.min(failedAttempts - 1, 20));
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    @Override
    public void close() {
        retries.shutdownNow();
    }
}
