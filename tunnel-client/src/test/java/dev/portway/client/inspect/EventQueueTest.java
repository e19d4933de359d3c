package dev.portway.client.inspect;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventQueueTest {
    private static void feed(ExchangeObserver observer, String request, String response) {
        ByteBuf in = Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1);
        ByteBuf out = Unpooled.copiedBuffer(response, StandardCharsets.ISO_8859_1);
        try {
            observer.request(in);
            observer.response(out);
        } finally {
            in.release();
            out.release();
        }
    }

    @Test
    void aPageThatReadsGetsEachChangedExchangeAsAnEventUntilItGoesAway() {
        InspectLog log = new InspectLog(10, 16);
        EventQueue queue = new EventQueue(log);
        log.addListener(queue);
        feed(new ExchangeObserver(log, "web", "203.0.113.7:1", 0), "GET /a HTTP/1.1\r\n\r\n",
                "HTTP/1.1 204 No Content\r\n\r\n");
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        OutputStream page = new OutputStream() {
            @Override
            public void write(int b) {
                written.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                written.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                throw new IOException("the page was closed");
            }
        };
        assertThatThrownBy(() -> queue.drainTo(page)).isInstanceOf(IOException.class);
        String events = written.toString(StandardCharsets.UTF_8);
        assertThat(events).startsWith("event: request\ndata: {\"id\":1,\"tunnel\":\"web\",\"peer\":\"203.0.113.7:1\"")
                .contains("\"status\":204,\"state\":\"complete\"").endsWith("}\n\n");
        assertThat(events.split("event: request", -1)).as("two changes, sent once at the latest").hasSize(2);
    }

    @Test
    void aPageThatFallsBehindIsToldToReloadAndTheQueueStaysBounded() throws Exception {
        InspectLog log = new InspectLog(10, 16);
        EventQueue queue = new EventQueue(log);
        log.addListener(queue);
        for (int i = 0; i < EventQueue.CAPACITY * 3; i++) {
            feed(new ExchangeObserver(log, "web", "p", 0), "GET /" + i + " HTTP/1.1\r\n\r\n",
                    "HTTP/1.1 204 No Content\r\n\r\n");
        }
        ByteArrayOutputStream page = new ByteArrayOutputStream();
        queue.drainTo(page);
        assertThat(page.toString(StandardCharsets.UTF_8)).isEqualTo("event: reset\ndata: {}\n\n");
    }
}
