package dev.portway.server.endings;

import dev.portway.server.endings.HttpSocketPeer.Body;
import dev.portway.server.endings.HttpSocketPeer.Ending;
import dev.portway.server.testkit.PatternStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endings contract (docs/protocol.md, "How streams end") for http tunnels, over real sockets: a whole answer
 * reaches the public peer byte for byte however it is framed, followed by the end HTTP asks for (FIN on close,
 * nothing on keep-alive); an answer that is cut, whoever cut it, ends the public connection with RST, so that no
 * client takes a short answer for a whole one; and a request the public peer cut reaches the local service as RST.
 */
@Timeout(120)
class HttpEndingsIT {
    /** Sizes at the edges: empty, one byte, one short of 64 KiB, and 16 MiB with a tail that is no round number. */
    private static final long[] SIZES = {0, 1, 65_535, (16L << 20) + 40_961};

    private static HttpTunnelRig rig;

    /** How the public request asks the connection to end. */
    enum Style {
        KEEP_ALIVE("HTTP/1.1", ""),
        CONNECTION_CLOSE("HTTP/1.1", "Connection: close\r\n"),
        HTTP_10("HTTP/1.0", "");

        final String version;
        final String headers;

        Style(String version, String headers) {
            this.version = version;
            this.headers = headers;
        }

        String request(String method, String uri, String extraHeaders) {
            return method + " " + uri + " " + version + "\r\nHost: " + HttpTunnelRig.HOST + "\r\n" + headers
                    + extraHeaders + "\r\n";
        }
    }

    @BeforeAll
    static void startRig() throws Exception {
        rig = new HttpTunnelRig();
    }

    @AfterAll
    static void stopRig() throws Exception {
        rig.close();
    }

    static Stream<Arguments> downloads() {
        List<Arguments> cases = new ArrayList<>();
        for (long size : SIZES) {
            cases.add(Arguments.of(size, "length", Style.KEEP_ALIVE));
            cases.add(Arguments.of(size, "chunked", Style.CONNECTION_CLOSE));
            cases.add(Arguments.of(size, "close", Style.HTTP_10));
            cases.add(Arguments.of(size, "length", Style.HTTP_10));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} bytes, {1}, {2}")
    @MethodSource("downloads")
    void aWholeDownloadArrivesThenTheEndHttpAsksFor(long size, String framing, Style style) throws Exception {
        try (HttpSocketPeer user = rig.connect()) {
            user.send(style.request("GET", download(size, framing), ""));
            String head = user.readHead();
            assertThat(head).startsWith("HTTP/1.1 200");
            assertThat(user.readBody(head)).isEqualTo(Body.of(size, size));
            if (style == Style.KEEP_ALIVE && !framing.equals("close")) {
                // The connection is still good for another request; the last one asks to close.
                user.send(Style.CONNECTION_CLOSE.request("GET", download(1, "length"), ""));
                String second = user.readHead();
                assertThat(user.readBody(second)).isEqualTo(Body.of(1, 1));
            }
            assertThat(user.readEnding()).isEqualTo(new HttpSocketPeer.Outcome(Ending.FIN, 0));
        }
    }

    static Stream<Arguments> uploads() {
        List<Arguments> cases = new ArrayList<>();
        for (long size : SIZES) {
            cases.add(Arguments.of(size, "length", Style.KEEP_ALIVE));
            cases.add(Arguments.of(size, "chunked", Style.CONNECTION_CLOSE));
            cases.add(Arguments.of(size, "length", Style.HTTP_10));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} bytes, {1}, {2}")
    @MethodSource("uploads")
    void aWholeUploadArrivesThenTheEndHttpAsksFor(long size, String framing, Style style) throws Exception {
        try (HttpSocketPeer user = rig.connect()) {
            boolean chunked = framing.equals("chunked");
            user.send(style.request("POST", "/upload",
                    chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + size + "\r\n"));
            if (chunked) {
                user.sendChunkedPattern(size, size);
            } else {
                user.sendPattern(size, size);
            }
            String head = user.readHead();
            assertThat(head).startsWith("HTTP/1.1 200");
            Body expected = Body.of(size, size);
            assertThat(user.readBody(head)).isEqualTo(answerTo(expected));
            if (style == Style.KEEP_ALIVE) {
                // A keep-alive connection ends when its peer is done: half-closing after the answer.
                user.halfClose();
            }
            assertThat(user.readEnding()).isEqualTo(new HttpSocketPeer.Outcome(Ending.FIN, 0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"length", "chunked", "close"})
    void aPeerThatHalfClosesAfterItsRequestStillGetsTheWholeAnswerThenFin(String framing) throws Exception {
        long size = SIZES[3];
        try (HttpSocketPeer user = rig.connect()) {
            user.send(Style.KEEP_ALIVE.request("GET", download(size, framing), ""));
            user.halfClose();
            String head = user.readHead();
            assertThat(user.readBody(head)).isEqualTo(Body.of(size, size));
            assertThat(user.readEnding()).isEqualTo(new HttpSocketPeer.Outcome(Ending.FIN, 0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"length", "chunked", "close"})
    void aLocalServiceThatDiesMidAnswerEndsThePublicConnectionWithRst(String framing) throws Exception {
        try (HttpSocketPeer user = rig.connect()) {
            user.send(Style.KEEP_ALIVE.request("GET", download(4 << 20, framing) + "&cut=100000", ""));
            // Read as bytes, head included: a reset may discard what had arrived unread, the head too. Above all for
            // an answer delimited by the close, a FIN here would make a short answer look whole.
            assertThat(user.readEnding().ending()).isEqualTo(Ending.RST);
        }
    }

    @Test
    void aPeerThatResetsMidUploadEndsTheLocalConnectionWithRst() throws Exception {
        try (HttpSocketPeer user = rig.connect()) {
            user.send(Style.KEEP_ALIVE.request("POST", "/upload", "Content-Length: " + SIZES[3] + "\r\n"));
            user.sendPattern(7, SIZES[3], 1 << 20);
            user.abort();
        }
        assertThat(rig.service.nextEnding(20)).isEqualTo(Ending.RST);
    }

    @Test
    void aCarrierLostMidAnswerEndsThePublicConnectionWithRst() throws Exception {
        // A rig of its own: this one's carrier does not come back.
        try (HttpTunnelRig own = new HttpTunnelRig(); HttpSocketPeer user = own.connect()) {
            long size = 256L << 20;
            user.send(Style.KEEP_ALIVE.request("GET", download(size, "length"), ""));
            assertThat(user.readHead()).startsWith("HTTP/1.1 200");
            user.readExactly(1 << 20);
            own.cutCarrier();
            assertThat(user.readEnding().ending()).isEqualTo(Ending.RST);
        }
    }

    /** A download of {@code size} bytes whose pattern is seeded with its size, so each case has its own bytes. */
    private static String download(long size, String framing) {
        return "/download?bytes=" + size + "&seed=" + size + "&framing=" + framing;
    }

    /** The local service's answer to an upload: the body's SHA-256 and size, as its text. */
    private static Body answerTo(Body upload) {
        byte[] text = (upload.sha256() + " " + upload.bytes()).getBytes(StandardCharsets.US_ASCII);
        return new Body(text.length, sha256(text));
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(PatternStream.newSha256().digest(bytes));
    }
}
