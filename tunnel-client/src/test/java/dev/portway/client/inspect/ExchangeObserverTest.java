package dev.portway.client.inspect;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

class ExchangeObserverTest {
    private static final Predicate<Exchange> ALL = exchange -> true;

    private final InspectLog log = new InspectLog(10, 16);
    private final ExchangeObserver observer = new ExchangeObserver(log, "web", "203.0.113.7:5555", 0);

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Feeds {@code bytes} in pieces of {@code step} bytes, each its own buffer, released after use. */
    private static void feed(byte[] bytes, int step, java.util.function.Consumer<ByteBuf> side) {
        for (int i = 0; i < bytes.length; i += step) {
            ByteBuf buf = Unpooled.directBuffer(step);
            try {
                buf.writeBytes(bytes, i, Math.min(step, bytes.length - i));
                int before = buf.readerIndex();
                side.accept(buf);
                assertThat(buf.readerIndex()).isEqualTo(before);
            } finally {
                buf.release();
            }
        }
    }

    private void request(String s, int step) {
        feed(ascii(s), step, observer::request);
    }

    private void response(String s, int step) {
        feed(ascii(s), step, observer::response);
    }

    private List<Exchange> oldestFirst() {
        return oldestFirst(log);
    }

    private static List<Exchange> oldestFirst(InspectLog from) {
        List<Exchange> exchanges = new java.util.ArrayList<>(from.list(ALL, Integer.MAX_VALUE));
        java.util.Collections.reverse(exchanges);
        return exchanges;
    }

    @Test
    void keptAliveExchangesSplitAnywhereAreRecordedInOrder() {
        String requests = "POST /hook?a=1 HTTP/1.1\r\nHost: app\r\nContent-Length: 5\r\nX-Forwarded-For: 203.0.113.7\r\n"
                + "\r\nhello"
                + "GET /two HTTP/1.1\r\nHost: app\r\n\r\n";
        String responses = "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0000000000000000002\r\nde\r\n0\r\n"
                + "X-Trailer: t\r\n\r\n"
                + "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnah";
        for (int step : new int[]{1, 2, 7, 4096}) {
            InspectLog fresh = new InspectLog(10, 16);
            ExchangeObserver each = new ExchangeObserver(fresh, "web", "203.0.113.7:5555", 0);
            feed(ascii(requests), step, each::request);
            feed(ascii(responses), step, each::response);
            List<Exchange> recorded = oldestFirst(fresh);
            assertThat(recorded).as("step %d", step).hasSize(2);
            Exchange first = recorded.get(0);
            assertThat(first.request().method()).isEqualTo("POST");
            assertThat(first.request().target()).isEqualTo("/hook?a=1");
            assertThat(first.request().header("x-forwarded-for")).isEqualTo("203.0.113.7");
            assertThat(first.requestBody().kept()).isEqualTo(ascii("hello"));
            assertThat(first.response().status()).isEqualTo(201);
            assertThat(first.responseBody().kept()).isEqualTo(ascii("abcde"));
            assertThat(first.state()).isEqualTo(Exchange.State.COMPLETE);
            assertThat(first.totalNanos()).isGreaterThanOrEqualTo(first.firstByteNanos()).isNotNegative();
            assertThat(first.peer()).isEqualTo("203.0.113.7:5555");
            assertThat(first.tunnel()).isEqualTo("web");
            Exchange second = recorded.get(1);
            assertThat(second.request().target()).isEqualTo("/two");
            assertThat(second.requestBody().size()).isZero();
            assertThat(second.response().status()).isEqualTo(404);
            assertThat(second.response().reason()).isEqualTo("Not Found");
            assertThat(second.responseBody().kept()).isEqualTo(ascii("nah"));
            assertThat(second.id()).isGreaterThan(first.id());
        }
    }

    @Test
    void aBodyBeyondTheLimitKeepsItsFirstBytesAndCountsTheRest() {
        byte[] body = new byte[100];
        Arrays.fill(body, (byte) 'x');
        body[0] = 'a';
        request("PUT /big HTTP/1.1\r\nContent-Length: 100\r\n\r\n", 5);
        feed(body, 9, observer::request);
        response("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 3);

        Exchange big = oldestFirst().get(0);
        assertThat(big.requestBody().size()).isEqualTo(100);
        assertThat(big.requestBody().truncated()).isTrue();
        assertThat(big.requestBody().kept()).isEqualTo(Arrays.copyOf(body, 16));
        assertThat(big.state()).isEqualTo(Exchange.State.COMPLETE);
    }

    @Test
    void anUpgradeIsOneEntryWithTheSwitchingResponseAndItsFramesAreNotRecorded() {
        request("GET /ws HTTP/1.1\r\nHost: app\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n\r\n", 10);
        response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081\u0005hello", 6);
        feed(new byte[]{(byte) 0x81, (byte) 0x85, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 4, observer::request);
        observer.closed();

        assertThat(oldestFirst()).singleElement().satisfies(ws -> {
            assertThat(ws.state()).isEqualTo(Exchange.State.UPGRADED);
            assertThat(ws.response().status()).isEqualTo(101);
            assertThat(ws.responseBody().size()).isZero();
        });
    }

    @Test
    void interimResponsesAreSkippedAndBodilessResponsesEndAtTheirHead() {
        request("POST /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok", 4);
        request("HEAD /h HTTP/1.1\r\n\r\n", 4);
        request("DELETE /d HTTP/1.1\r\n\r\n", 4);
        request("GET /rest HTTP/1.1\r\n\r\n", 4);
        response("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!"
                + "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end", 5);
        assertThat(oldestFirst().get(3).state()).isEqualTo(Exchange.State.RESPONSE);
        observer.closed();

        List<Exchange> recorded = oldestFirst();
        assertThat(recorded).extracting(e -> e.response().status()).containsExactly(200, 200, 204, 200);
        assertThat(recorded).extracting(Exchange::state).containsOnly(Exchange.State.COMPLETE);
        assertThat(recorded.get(0).responseBody().kept()).isEqualTo(ascii("!"));
        assertThat(recorded.get(1).responseBody().size()).isZero();
        assertThat(recorded.get(3).responseBody().kept()).isEqualTo(ascii("until the end"));
    }

    @Test
    void aConnectionThatEndsMidwayLeavesItsExchangeIncomplete() {
        request("POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", 64);
        observer.closed();
        assertThat(oldestFirst()).singleElement().satisfies(cut -> {
            assertThat(cut.state()).isEqualTo(Exchange.State.INCOMPLETE);
            assertThat(cut.requestBody().kept()).isEqualTo(ascii("abc"));
            assertThat(cut.note()).contains("connection ended");
        });
    }

    @Test
    void theLogKeepsTheNewestAndAnEvictedExchangeStopsKeepingItsBody() {
        InspectLog small = new InspectLog(3, 16);
        ExchangeObserver slow = new ExchangeObserver(small, "web", "p", 0);
        feed(ascii("POST /slow HTTP/1.1\r\nContent-Length: 1000\r\n\r\n"), 64, slow::request);
        for (int i = 0; i < 5; i++) {
            ExchangeObserver quick = new ExchangeObserver(small, "web", "p", 0);
            feed(ascii("GET /" + i + " HTTP/1.1\r\n\r\n"), 64, quick::request);
            feed(ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), 64, quick::response);
        }
        feed(new byte[1000], 100, slow::request);
        feed(ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), 64, slow::response);

        assertThat(small.list(ALL, 100)).extracting(e -> e.request().target()).containsExactly("/4", "/3", "/2");
        assertThat(small.size()).isEqualTo(3);
    }

    @Test
    void connectionsThatStopMidBodyCannotHoldMoreThanTheLogsAllowance() {
        // 4 exchanges x 1000 bytes x 2: the most bodies the inspector may hold, whatever the connections do.
        InspectLog budgeted = new InspectLog(4, 1000);
        List<ExchangeObserver> silent = new ArrayList<>();
        // Half-sent bodies, then requests awaiting answers: connections that keep their bodies pinned.
        for (int contentLength : new int[]{5000, 1000}) {
            for (int i = 0; i < 200; i++) {
                ExchangeObserver connection = new ExchangeObserver(budgeted, "web", "p" + i, 0);
                feed(ascii("POST /" + contentLength + "/" + i + " HTTP/1.1\r\nContent-Length: " + contentLength
                        + "\r\n\r\n"), 4096, connection::request);
                feed(new byte[1000], 1000, connection::request);
                silent.add(connection);
                assertThat(budgeted.bodyBytesHeld()).isLessThanOrEqualTo(2L * 4 * 1000);
            }
        }
        assertThat(budgeted.list(ALL, 10)).allSatisfy(e -> assertThat(e.requestBody().size()).isEqualTo(1000));

        silent.forEach(ExchangeObserver::closed);
        for (int i = 0; i < 4; i++) {
            ExchangeObserver quick = new ExchangeObserver(budgeted, "web", "p", 0);
            feed(ascii("GET /late" + i + " HTTP/1.1\r\n\r\n"), 64, quick::request);
            feed(ascii("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"), 64, quick::response);
        }
        assertThat(budgeted.list(ALL, 10)).extracting(e -> e.request().target())
                .containsExactly("/late3", "/late2", "/late1", "/late0");
        assertThat(budgeted.list(ALL, 10)).allSatisfy(e -> assertThat(e.responseBody().kept()).isEqualTo(ascii("abc")));
        assertThat(budgeted.bodyBytesHeld()).as("what the four kept exchanges charge, no more")
                .isLessThanOrEqualTo(4L * 256);
    }

    @Test
    void hugeHeadsGarbageAndTooManyPipelinedRequestsStopTheRecordingOnly() {
        StringBuilder huge = new StringBuilder("GET / HTTP/1.1\r\n");
        while (huge.length() <= HttpMessageParser.MAX_HEAD) {
            huge.append("X-Filler: ").append("f".repeat(1000)).append("\r\n");
        }
        request(huge.toString(), 1500);
        request("GET /after HTTP/1.1\r\n\r\n", 64);
        assertThat(log.size()).isZero();

        InspectLog other = new InspectLog(10, 16);
        ExchangeObserver garbage = new ExchangeObserver(other, "web", "p", 0);
        byte[] noise = new byte[300_000];
        new java.util.Random(7).nextBytes(noise);
        feed(noise, 4096, garbage::request);
        feed(noise, 4096, garbage::response);
        garbage.closed();
        assertThat(other.size()).isLessThanOrEqualTo(1);

        InspectLog pipelined = new InspectLog(1000, 16);
        ExchangeObserver eager = new ExchangeObserver(pipelined, "web", "p", 0);
        feed(ascii("GET / HTTP/1.1\r\n\r\n".repeat(ExchangeObserver.MAX_AWAITING + 10)), 4096, eager::request);
        assertThat(pipelined.size()).isEqualTo(ExchangeObserver.MAX_AWAITING);
        assertThat(pipelined.list(ALL, 1000)).extracting(Exchange::state).containsOnly(Exchange.State.INCOMPLETE);
    }

    @Test
    void anEndlessChunkedBodyCostsACounter() {
        request("POST /stream HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 64);
        byte[] chunk = ascii("fff0\r\n" + "z".repeat(0xfff0) + "\r\n");
        for (int i = 0; i < 2000; i++) {
            feed(chunk, chunk.length, observer::request);
        }
        response("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n", 64);
        Exchange endless = oldestFirst().get(0);
        assertThat(endless.response().status()).isEqualTo(413);
        assertThat(endless.state()).isEqualTo(Exchange.State.COMPLETE);
        observer.closed();
        Exchange ended = oldestFirst().get(0);
        assertThat(ended.requestBody().size()).isEqualTo(2000L * 0xfff0);
        assertThat(ended.requestBody().kept()).hasSize(16);
    }

    @Test
    void theHandlerPassesEveryByteOnUntouchedEvenWhenTheObserverGivesUp() {
        EmbeddedChannel channel = new EmbeddedChannel(new InspectHandler(observer));
        byte[] written = ascii("GET / HTTP/1.1\r\n\r\n\u0000garbage that stops the recording\r\n");
        byte[] read = ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
        assertThat(channel.writeOutbound(Unpooled.wrappedBuffer(written))).isTrue();
        assertThat(channel.writeInbound(Unpooled.wrappedBuffer(read))).isTrue();
        ByteBuf out = channel.readOutbound();
        ByteBuf in = channel.readInbound();
        try {
            assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(new String(written, StandardCharsets.ISO_8859_1));
            assertThat(in.toString(StandardCharsets.ISO_8859_1)).isEqualTo(new String(read, StandardCharsets.ISO_8859_1));
        } finally {
            out.release();
            in.release();
        }
        assertThat(channel.finish()).isFalse();
        assertThat(oldestFirst()).singleElement().satisfies(e -> assertThat(e.state()).isEqualTo(Exchange.State.INCOMPLETE));
    }
}
