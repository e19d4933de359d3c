package dev.portway.admin.events;

import dev.portway.admin.http.ResponseStream;
import dev.portway.admin.problem.ApiException;
import dev.portway.monitor.events.EventJournal;
import dev.portway.monitor.events.EventPayload;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class EventStreamTest {
    private final EventJournal journal = new EventJournal();
    private final List<String> sent = new ArrayList<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final ResponseStream.Sink sink = new ResponseStream.Sink() {
        @Override
        public boolean send(byte[] chunk) {
            sent.add(new String(chunk, StandardCharsets.UTF_8));
            return true;
        }

        @Override
        public void end() {
            ended.set(true);
        }
    };

    private static EventPayload connected(String client) {
        return new EventPayload.Client(true, client, "ann", "s-" + client, "198.51.100.7:1");
    }

    @Test
    void aStreamWhoseKeyIsStillGoodGoesOnAndOneRevokedEndsAtItsNextCheck() {
        AtomicInteger checks = new AtomicInteger();
        AtomicBoolean revoked = new AtomicBoolean();
        EventStream stream = new EventStream(journal, -1, null, () -> {
            checks.incrementAndGet();
            return revoked.get()
                    ? CompletableFuture.failedFuture(ApiException.unauthenticated("revoked", true))
                    : CompletableFuture.completedFuture(null);
        }, Duration.ZERO);
        stream.start(sink);
        journal.publish(connected("a"));
        assertThat(checks).hasValue(1);
        assertThat(ended).isFalse();
        assertThat(sent).anyMatch(message -> message.contains("\"client\":\"a\""));

        revoked.set(true);
        journal.publish(connected("b"));
        assertThat(ended).as("the stream is ended").isTrue();
        journal.publish(connected("c"));
        assertThat(sent).noneMatch(message -> message.contains("\"client\":\"c\""));
    }

    @Test
    void checksAreSpacedOut() {
        AtomicInteger checks = new AtomicInteger();
        EventStream stream = new EventStream(journal, -1, null, () -> {
            checks.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }, Duration.ofHours(1));
        stream.start(sink);
        for (int i = 0; i < 100; i++) {
            journal.publish(connected("c" + i));
        }
        assertThat(checks).hasValue(0);
        assertThat(sent).hasSize(101);
    }
}
