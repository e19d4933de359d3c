package dev.portway.server.http;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpResponse;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResponseFramerTest {
    private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=\"va;lue\"\r\nhello\r\n6 \r\n world\r\n0;last\r\nX-Checksum: 42\r\nX-More: yes\r\n\r\n";

    /** What the framer reported, consecutive body pieces joined: the same however the input was split. */
    private static final class Transcript implements ResponseFramer.Listener {
        final List<String> events = new ArrayList<>();
        private StringBuilder body;
        private int payload;

        @Override
        public void onHead(HttpResponse head, ResponseFramer.Body kind) {
            closeBody();
            events.add("head " + head.protocolVersion() + " " + head.status() + " " + kind + " " + head.headers().names());
        }

        @Override
        public void onBody(ByteBuf bytes, int payloadBytes) {
            try {
                if (body == null) {
                    body = new StringBuilder();
                    payload = 0;
                }
                body.append(bytes.toString(StandardCharsets.ISO_8859_1));
                payload += payloadBytes;
            } finally {
                bytes.release();
            }
        }

        @Override
        public void onEnd() {
            closeBody();
            events.add("end");
        }

        List<String> done() {
            closeBody();
            return events;
        }

        private void closeBody() {
            if (body != null) {
                events.add("body(" + payload + ") " + body);
                body = null;
            }
        }
    }

    private static HttpRequest request(HttpMethod method) {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/");
    }

    private static List<HttpRequest> requests(HttpMethod... methods) {
        return Arrays.stream(methods).map(ResponseFramerTest::request).toList();
    }

    private static List<HttpRequest> upgradeTo(String protocols) {
        HttpRequest request = request(HttpMethod.GET);
        request.headers().set("Connection", "keep-alive, Upgrade").set("Upgrade", protocols);
        return List.of(request);
    }

    /** Frames {@code wire} cut at {@code cuts}; the requests sent before it were {@code requests}. */
    private static List<String> frame(String wire, List<HttpRequest> requests, boolean closeAtEnd, int... cuts)
            throws ResponseFramer.MalformedResponseException {
        Transcript transcript = new Transcript();
        ResponseFramer framer = new ResponseFramer(UnpooledByteBufAllocator.DEFAULT, transcript);
        requests.forEach(framer::requestSent);
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        int from = 0;
        try {
            for (int cut : cuts) {
                framer.feed(UnpooledByteBufAllocator.DEFAULT.buffer().writeBytes(bytes, from, cut - from));
                from = cut;
            }
            framer.feed(UnpooledByteBufAllocator.DEFAULT.buffer().writeBytes(bytes, from, bytes.length - from));
            if (closeAtEnd) {
                framer.inputEnded();
            }
        } finally {
            framer.close();
        }
        return transcript.done();
    }

    /** Frames {@code wire} whole, cut once at every byte, and a byte at a time: all give {@code expected}. */
    private static void assertFrames(String wire, List<HttpRequest> requests, boolean closeAtEnd, String... expected)
            throws ResponseFramer.MalformedResponseException {
        assertThat(frame(wire, requests, closeAtEnd)).containsExactly(expected);
        for (int cut = 1; cut < wire.length(); cut++) {
            assertThat(frame(wire, requests, closeAtEnd, cut)).as("cut at %d", cut).containsExactly(expected);
        }
        int[] everyByte = new int[wire.length() - 1];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = i + 1;
        }
        assertThat(frame(wire, requests, closeAtEnd, everyByte)).as("a byte at a time").containsExactly(expected);
    }

    private static void assertMalformed(String wire, String message) {
        assertThatThrownBy(() -> frame(wire, requests(HttpMethod.GET), false))
                .isInstanceOf(ResponseFramer.MalformedResponseException.class).hasMessageContaining(message);
        for (int cut = 1; cut < Math.min(wire.length(), 200); cut++) {
            int at = cut;
            assertThatThrownBy(() -> frame(wire, requests(HttpMethod.GET), false, at))
                    .isInstanceOf(ResponseFramer.MalformedResponseException.class).hasMessageContaining(message);
        }
    }

    @Test
    void contentLengthBodiesAreCountedAndTheNextResponseFollows() throws Exception {
        assertFrames("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  padded \r\n\r\nhello"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                requests(HttpMethod.GET, HttpMethod.GET), false,
                "head HTTP/1.1 200 OK LENGTH [Content-Length, X-A]", "body(5) hello", "end",
                "head HTTP/1.1 200 OK LENGTH [Content-Length]", "end");
    }

    @Test
    void chunkedBodiesPassUnchangedWithExtensionsAndTrailers() throws Exception {
        String body = CHUNKED.substring(CHUNKED.indexOf("\r\n\r\n") + 4);
        assertFrames(CHUNKED + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                requests(HttpMethod.GET, HttpMethod.GET), false,
                "head HTTP/1.1 200 OK CHUNKED [Transfer-Encoding]", "body(11) " + body, "end",
                "head HTTP/1.1 200 OK LENGTH [Content-Length]", "body(2) ok", "end");
    }

    @Test
    void aContentOnlyFramerStripsChunkFramingAndParsesTheTrailers() throws Exception {
        String wire = CHUNKED + "HTTP/1.1 204 No Content\r\n\r\n";
        for (int cut = 0; cut < wire.length(); cut++) {
            List<String> events = new ArrayList<>();
            StringBuilder body = new StringBuilder();
            ResponseFramer[] framer = new ResponseFramer[1];
            framer[0] = new ResponseFramer(UnpooledByteBufAllocator.DEFAULT, new ResponseFramer.Listener() {
                @Override
                public void onHead(HttpResponse head, ResponseFramer.Body kind) {
                    events.add("head " + head.status().code() + " " + kind);
                }

                @Override
                public void onBody(ByteBuf bytes, int payload) {
                    assertThat(payload).isEqualTo(bytes.readableBytes());
                    body.append(bytes.toString(StandardCharsets.ISO_8859_1));
                    bytes.release();
                }

                @Override
                public void onEnd() {
                    events.add("end " + body + " " + framer[0].trailers().entries());
                    body.setLength(0);
                }
            }, true);
            framer[0].requestSent(request(HttpMethod.GET));
            framer[0].requestSent(request(HttpMethod.GET));
            byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
            framer[0].feed(UnpooledByteBufAllocator.DEFAULT.buffer().writeBytes(bytes, 0, cut));
            framer[0].feed(UnpooledByteBufAllocator.DEFAULT.buffer().writeBytes(bytes, cut, bytes.length - cut));
            framer[0].close();
            assertThat(events).as("cut at %d", cut).containsExactly("head 200 CHUNKED",
                    "end hello world [X-Checksum=42, X-More=yes]", "head 204 NONE", "end  []");
        }
    }

    @Test
    void aContentOnlyFramerBoundsTheTrailerSection() {
        ResponseFramer framer = new ResponseFramer(UnpooledByteBufAllocator.DEFAULT, new Transcript(), true);
        framer.requestSent(request(HttpMethod.GET));
        String wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
                + ("X-Pad: " + "a".repeat(1000) + "\r\n").repeat(ResponseFramer.MAX_HEAD_SIZE / 1000 + 1);
        assertThatThrownBy(() -> framer.feed(UnpooledByteBufAllocator.DEFAULT.buffer()
                .writeBytes(wire.getBytes(StandardCharsets.ISO_8859_1))))
                .isInstanceOf(ResponseFramer.MalformedResponseException.class).hasMessageContaining("trailer section");
    }

    @Test
    void transferEncodingWinsOverContentLengthWhichIsDropped() throws Exception {
        assertFrames("HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
                requests(HttpMethod.GET), false,
                "head HTTP/1.1 200 OK CHUNKED [Transfer-Encoding]", "body(0) 0\r\n\r\n", "end");
    }

    @Test
    void answersToHeadAnd204And304HaveNoBody() throws Exception {
        assertFrames("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
                        + "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n"
                        + "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
                requests(HttpMethod.HEAD, HttpMethod.GET, HttpMethod.GET, HttpMethod.GET), false,
                "head HTTP/1.1 200 OK NONE [Content-Length]", "end",
                "head HTTP/1.1 204 No Content NONE [Content-Length]", "end",
                "head HTTP/1.1 304 Not Modified NONE [Transfer-Encoding]", "end",
                "head HTTP/1.1 200 OK LENGTH [Content-Length]", "body(1) x", "end");
    }

    @Test
    void interimAnswersPrecedeTheRealOneWithoutEndingIt() throws Exception {
        assertFrames("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                requests(HttpMethod.POST), false,
                "head HTTP/1.1 100 Continue NONE []", "head HTTP/1.1 103 Early Hints NONE [Link]",
                "head HTTP/1.1 200 OK LENGTH [Content-Length]", "body(2) ok", "end");
    }

    @Test
    void afterSwitchingProtocolsEveryByteIsRaw() throws Exception {
        assertFrames("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                        + "\u0081\u0005HTTP/1.1 200 OK\r\n\r\n",
                upgradeTo("WebSocket"), true,
                "head HTTP/1.1 101 Switching Protocols UPGRADED [Upgrade, Connection]", "end",
                "body(21) \u0081\u0005HTTP/1.1 200 OK\r\n\r\n");
    }

    @Test
    void switchingProtocolsIsRefusedUnlessTheRequestOfferedThatProtocol() {
        String upgrade = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
        // Asked for nothing: the answer would make the public connection a raw pipe behind the server's back.
        assertMalformed(upgrade, "101 Switching Protocols to a protocol its request did not offer");
        // Upgrade without "Connection: upgrade" is no offer (RFC 9110 section 7.8).
        HttpRequest withoutConnection = request(HttpMethod.GET);
        withoutConnection.headers().set("Upgrade", "websocket");
        assertThatThrownBy(() -> frame(upgrade, List.of(withoutConnection), false))
                .isInstanceOf(ResponseFramer.MalformedResponseException.class);
        assertThatThrownBy(() -> frame(upgrade, upgradeTo("h2c"), false))
                .isInstanceOf(ResponseFramer.MalformedResponseException.class);
        assertThatThrownBy(() -> frame("HTTP/1.1 101 Switching Protocols\r\n\r\n", upgradeTo("websocket"), false))
                .isInstanceOf(ResponseFramer.MalformedResponseException.class);
        // With nothing asked, even a 101 that arrives before any request is refused.
        assertThatThrownBy(() -> frame(upgrade, List.of(), false))
                .isInstanceOf(ResponseFramer.MalformedResponseException.class);
    }

    @Test
    void aBodyWithoutLengthEndsWhenTheServiceCloses() throws Exception {
        assertFrames("\r\nHTTP/1.0 200\r\nServer: old\r\n\r\nuntil the end\r\n\r\n", requests(HttpMethod.GET), true,
                "head HTTP/1.0 200  UNTIL_CLOSE [Server]", "body(17) until the end\r\n\r\n", "end");
        assertThat(frame("HTTP/1.1 200 OK\r\n\r\nno end yet", requests(HttpMethod.GET), false))
                .containsExactly("head HTTP/1.1 200 OK UNTIL_CLOSE []", "body(10) no end yet");
    }

    @Test
    void aResponseCutShortNeverEnds() throws Exception {
        assertThat(frame("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort", requests(HttpMethod.GET), true))
                .containsExactly("head HTTP/1.1 200 OK LENGTH [Content-Length]", "body(5) short");
        assertThat(frame("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n", requests(HttpMethod.GET), true)).isEmpty();
    }

    @Test
    void garbageIsRefused() {
        assertMalformed("SSH-2.0-OpenSSH_9.6\r\n\r\n", "not an HTTP/1.x status line: SSH-2.0-OpenSSH_9.6");
        assertMalformed("HTTP/2 200\r\n\r\n", "not an HTTP/1.x status line");
        assertMalformed("HTTP/1.1 2x0 OK\r\n\r\n", "not an HTTP/1.x status line");
        assertMalformed("HTTP/1.1 099 Low\r\n\r\n", "status code 99 out of range");
        assertMalformed("HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", "malformed header line: No colon here");
        assertMalformed("HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n", "malformed header line");
        assertMalformed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "differing Content-Length");
        assertMalformed("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length");
        assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed chunk size line");
        assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", "not followed by CRLF");
        assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1234567890abcdef0\r\n", "too large");
    }

    @Test
    void whatClientsReadDifferentlyIsRefused() {
        assertMalformed("HTTP/1.1 200 OK\r\nX-A: 1\rContent-Length: 0\r\n\r\n", "CR not followed by LF");
        assertMalformed("HTTP/1.1 200 OK\rX\r\n\r\n", "CR not followed by LF");
        assertMalformed("HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\n\r\n", "control character 0x0 in a header value");
        assertMalformed("HTTP/1.1 200 OK\r\nX-A: a\u007fb\r\n\r\n", "control character 0x7f");
        assertMalformed("HTTP/1.1 200 O\u0001K\r\n\r\n", "control character 0x1 in a status line");
        assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n0\r\n\r\n",
                "malformed chunk size line");
        assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\nhello\r\n0\r\n\r\n",
                "malformed chunk size line");
        assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\rhello\r\n0\r\n\r\n",
                "CR not followed by LF");
        assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a\u0000\r\nhello\r\n0\r\n\r\n",
                "control character in a chunk extension");
        assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\r\n0\r\n\r\n",
                "CR not followed by LF");
        assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nno colon\r\n\r\n",
                "malformed trailer line");
        assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n: empty\r\n\r\n",
                "malformed trailer line");
        assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n folded\r\n\r\n",
                "malformed trailer line");
        assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\u000bb\r\n\r\n",
                "malformed trailer line");
        assertMalformed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\rb\r\n\r\n",
                "CR not followed by LF");
    }

    @Test
    void tabsBareLineFeedsAndLatinTextStillPass() throws Exception {
        assertFrames("HTTP/1.1 200 Ok\tfine\nX-A: a\tb \u00e9\n\nTransfer-Encoding: chunked\n",
                requests(HttpMethod.GET), true,
                "head HTTP/1.1 200 Ok\tfine UNTIL_CLOSE [X-A]", "body(27) Transfer-Encoding: chunked\n", "end");
        assertFrames("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\t;x=\"\t\"\nok\n0\nX-T:\t1\n\n",
                requests(HttpMethod.GET), false,
                "head HTTP/1.1 200 OK CHUNKED [Transfer-Encoding]", "body(2) 2\t;x=\"\t\"\nok\n0\nX-T:\t1\n\n", "end");
    }

    @Test
    void chunkedInHttp10RunsToTheClose() throws Exception {
        assertFrames("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
                        + "2\r\nok\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
                requests(HttpMethod.GET, HttpMethod.GET), true,
                "head HTTP/1.0 200 OK UNTIL_CLOSE [Transfer-Encoding]",
                "body(31) 2\r\nok\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", "end");
    }

    @Test
    void aHeadArrivingAByteAtATimeGrowsOneBuffer() throws Exception {
        int[] allocations = new int[1];
        ByteBufAllocator counting = new AbstractByteBufAllocator(false) {
            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                allocations[0]++;
                return Unpooled.buffer(initialCapacity, maxCapacity);
            }

            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                return newHeapBuffer(initialCapacity, maxCapacity);
            }

            @Override
            public boolean isDirectBufferPooled() {
                return false;
            }
        };
        Transcript transcript = new Transcript();
        ResponseFramer framer = new ResponseFramer(counting, transcript);
        framer.requestSent(request(HttpMethod.GET));
        byte[] wire = ("HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(20_000) + "\r\nContent-Length: 2\r\n\r\nok")
                .getBytes(StandardCharsets.ISO_8859_1);
        try {
            for (byte b : wire) {
                framer.feed(UnpooledByteBufAllocator.DEFAULT.buffer(1).writeByte(b));
            }
        } finally {
            framer.close();
        }
        assertThat(transcript.done()).containsExactly("head HTTP/1.1 200 OK LENGTH [X-Big, Content-Length]",
                "body(2) ok", "end");
        // One buffer for the partial head, grown in place: not one per delivery.
        assertThat(allocations[0]).isEqualTo(1);
    }

    @Test
    void aPartialHeadAfterABodyIsKeptWhileTheBodyIsStillHeld() throws Exception {
        List<ByteBuf> held = new ArrayList<>();
        List<String> heads = new ArrayList<>();
        ResponseFramer framer = new ResponseFramer(UnpooledByteBufAllocator.DEFAULT, new ResponseFramer.Listener() {
            @Override
            public void onHead(HttpResponse head, ResponseFramer.Body body) {
                heads.add(head.status().toString());
            }

            @Override
            public void onBody(ByteBuf bytes, int payload) {
                held.add(bytes);
            }

            @Override
            public void onEnd() {
            }
        });
        framer.requestSent(request(HttpMethod.GET));
        framer.requestSent(request(HttpMethod.GET));
        try {
            framer.feed(UnpooledByteBufAllocator.DEFAULT.buffer().writeBytes("HTTP/1.1 200".getBytes(
                    StandardCharsets.US_ASCII)));
            framer.feed(UnpooledByteBufAllocator.DEFAULT.buffer().writeBytes(
                    " OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 2".getBytes(StandardCharsets.US_ASCII)));
            framer.feed(UnpooledByteBufAllocator.DEFAULT.buffer().writeBytes(
                    "04 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            assertThat(heads).containsExactly("200 OK", "204 No Content");
            assertThat(held).extracting(b -> b.toString(StandardCharsets.US_ASCII)).containsExactly("hello");
        } finally {
            framer.close();
            held.forEach(ByteBuf::release);
        }
    }

    @Test
    void equalDuplicateLengthsAreOne() throws Exception {
        assertThat(frame("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok",
                requests(HttpMethod.GET), false))
                .containsExactly("head HTTP/1.1 200 OK LENGTH [content-length]", "body(2) ok", "end");
    }

    @Test
    void aHeadAboveTheLimitIsRefusedWhetherOrNotItEnds() {
        String big = "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(ResponseFramer.MAX_HEAD_SIZE) + "\r\n";
        assertThatThrownBy(() -> frame(big, requests(HttpMethod.GET), false))
                .isInstanceOf(ResponseFramer.MalformedResponseException.class).hasMessageContaining("above");
        assertThatThrownBy(() -> frame(big + "\r\n", requests(HttpMethod.GET), false, 100, 40_000))
                .isInstanceOf(ResponseFramer.MalformedResponseException.class).hasMessageContaining("above");
    }

    @Test
    void theListenerMayStopFramingFromACallback() throws Exception {
        List<String> seen = new ArrayList<>();
        ResponseFramer[] framer = new ResponseFramer[1];
        framer[0] = new ResponseFramer(UnpooledByteBufAllocator.DEFAULT, new ResponseFramer.Listener() {
            @Override
            public void onHead(HttpResponse head, ResponseFramer.Body body) {
                seen.add("head");
                framer[0].close();
            }

            @Override
            public void onBody(ByteBuf bytes, int payload) {
                bytes.release();
                seen.add("body");
            }

            @Override
            public void onEnd() {
                seen.add("end");
            }
        });
        framer[0].feed(UnpooledByteBufAllocator.DEFAULT.buffer().writeBytes(
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200".getBytes(StandardCharsets.US_ASCII)));
        assertThat(seen).containsExactly("head");
    }
}
