package dev.portway.monitor.alerts;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class AlertDeliveryTest {
    @Test
    void backoffDoublesFromTheInitialWaitAndIsCapped() {
        try (AlertDelivery delivery = new AlertDelivery(30, Duration.ofSeconds(1))) {
            assertThat(delivery.backoff(1)).isEqualTo(Duration.ofSeconds(1));
            assertThat(delivery.backoff(2)).isEqualTo(Duration.ofSeconds(2));
            assertThat(delivery.backoff(4)).isEqualTo(Duration.ofSeconds(8));
            assertThat(delivery.backoff(29)).isEqualTo(AlertDelivery.MAX_BACKOFF);
        }
    }

    @Test
    void aReceiverThatAlwaysFailsGetsExactlyTheConfiguredAttempts() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        Semaphore arrived = new Semaphore(0);
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService handler = Executors.newSingleThreadExecutor();
        receiver.setExecutor(handler);
        receiver.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
            arrived.release();
        });
        receiver.start();
        try (AlertDelivery delivery = new AlertDelivery(3, Duration.ofMillis(50))) {
            delivery.post(URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"), "test",
                    JsonNodeFactory.instance.objectNode().put("alert", "X"));
            assertThat(arrived.tryAcquire(3, 10, TimeUnit.SECONDS)).isTrue();
            // Well past the next backoff (200 ms): no fourth attempt comes.
            assertThat(arrived.tryAcquire(1, 1, TimeUnit.SECONDS)).isFalse();
            assertThat(requests.get()).isEqualTo(3);
        } finally {
            receiver.stop(0);
            handler.shutdownNow();
        }
    }
}
