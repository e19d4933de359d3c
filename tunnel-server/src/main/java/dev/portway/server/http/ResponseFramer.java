package dev.portway.server.http;

import dev.portway.protocol.control.HeaderRuleCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Finds where each HTTP/1.x response of a local service begins and ends, so that its body is passed on as the
 * bytes that came instead of being decoded and encoded again. Only a head (status line and headers, at most
 * {@link #MAX_HEAD_SIZE}) is parsed; a body is framed as RFC 9112 section 6.3 says: none for a HEAD request, 1xx,
 * 204 and 304; chunked (chunk-size lines, extensions and trailers walked, not changed); Content-Length counted;
 * otherwise until the local service closes. As the bytes pass on verbatim, anything a client might read differently is
 * refused: a bare CR, control characters in the status line and field values, junk on chunk-size lines, malformed
 * trailer lines. An interim answer (1xx) is followed by the request's real answer, and
 * after {@code 101 Switching Protocols} every byte is the upgraded protocol's; a {@code 101} is refused unless its
 * request offered the protocol it switches to ({@link UpgradeOffer}).
 *
 * <p>For a peer that does not speak HTTP/1.1 (HTTP/2) the framer also removes the framing: made {@code contentOnly}, it
 * hands on only the content of a chunked body, and parses its trailer section into {@link #trailers()}, at most
 * {@link #MAX_HEAD_SIZE} bytes of it.
 *
 * <p>A plain class, so that its framing is tested on bytes split anywhere, without a channel.
 *
 * <p>Threading: not thread-safe; one instance per backend stream. Reference counting: {@link #feed} takes ownership
 * of its buffer; body bytes reach the listener as retained slices, which the listener owns; a head split across
 * deliveries is gathered in one growing buffer until it is complete, and {@link #close} releases it.
 */
final class ResponseFramer {
    static final int MAX_HEAD_SIZE = 64 * 1024;
    /** The first buffer of a partial head; it doubles as needed, so a head arriving a byte at a time costs O(n). */
    private static final int INITIAL_HEAD_BUFFER = 1024;
    /** Chunk sizes beyond 15 hex digits would overflow a long; no sane body comes near. */
    private static final int MAX_CHUNK_SIZE_DIGITS = 15;
    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory()
            .withNameValidation(false).withValueValidation(false);
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    /** How the body of a response is delimited. */
    enum Body { NONE, LENGTH, CHUNKED, UNTIL_CLOSE, UPGRADED }

    /** The pieces of each response, in order. */
    interface Listener {
        /**
         * A head, parsed; headers may be changed before it is passed on. An interim head (1xx other than 101) comes
         * with {@link Body#NONE} and without {@link #onEnd}: the request's real answer follows.
         */
        void onHead(HttpResponse head, Body body);

        /**
         * Bytes of the current body exactly as the service sent them (chunk framing included), or, after a 101,
         * of the upgraded protocol. {@code payload} of them are content, the rest chunk framing.
         */
        void onBody(ByteBuf bytes, int payload);

        /**
         * The current response is complete (after a 101: its head is, and raw bytes follow); a content-only framer
         * has its trailers in {@link #trailers()} now.
         */
        void onEnd();
    }

    /** The service's bytes are not an HTTP/1.x response; nothing further is framed. */
    static final class MalformedResponseException extends Exception {
        MalformedResponseException(String message) {
            super(message);
        }
    }

    private enum State { HEAD, LENGTH, CHUNK_SIZE, CHUNK_SIZE_BWS, CHUNK_EXTENSION, CHUNK_DATA, CHUNK_DATA_END,
        TRAILER, UNTIL_CLOSE, UPGRADED, CLOSED }

    /** What the framing of an answer depends on in its request. */
    private record Sent(boolean head, UpgradeOffer upgrade) {
    }

    private final ByteBufAllocator alloc;
    private final Listener listener;
    private final boolean contentOnly;
    /** The trailer section of the current chunked body as read, for a content-only framer. */
    private final ByteArrayOutputStream trailerBytes = new ByteArrayOutputStream();
    private HttpHeaders trailers = EmptyHttpHeaders.INSTANCE;
    /** Each request sent and not yet answered. */
    private final ArrayDeque<Sent> sent = new ArrayDeque<>(2);
    private State state = State.HEAD;
    /** Part of a head, waiting for the rest, in a buffer of the framer's own. */
    private ByteBuf cumulation;
    /** Bytes of the head in {@link #cumulation} already searched for its end, and where the last line began. */
    private int headScanned;
    private int headLineStart;
    private long remaining;
    private int chunkSizeDigits;
    /** A CR was read in chunk framing; the next byte must be LF. */
    private boolean chunkCr;
    private int trailerLineLength;
    /** The current trailer line's colon was read. */
    private boolean trailerValue;
    private int payload;

    ResponseFramer(ByteBufAllocator alloc, Listener listener) {
        this(alloc, listener, false);
    }

    /** @param contentOnly whether bodies are handed on without their chunk framing ({@link ResponseFramer}) */
    ResponseFramer(ByteBufAllocator alloc, Listener listener, boolean contentOnly) {
        this.alloc = alloc;
        this.listener = listener;
        this.contentOnly = contentOnly;
    }

    /** The trailer fields of the response that ended last, for a content-only framer; none otherwise. */
    HttpHeaders trailers() {
        return trailers;
    }

    /**
     * A request was sent: its answer is framed by its method (the answer to HEAD has no body), and may switch
     * protocols only as the request offered.
     */
    void requestSent(HttpRequest request) {
        sent.add(new Sent(HttpMethod.HEAD.equals(request.method()), UpgradeOffer.of(request.headers())));
    }

    /**
     * Frames the next bytes of the stream, taking ownership of {@code data}. The listener may call {@link #close}
     * from its callbacks; framing then stops.
     */
    void feed(ByteBuf data) throws MalformedResponseException {
        if (state == State.CLOSED) {
            data.release();
            return;
        }
        boolean owned = cumulation != null;
        ByteBuf in = owned ? cumulate(data) : data;
        cumulation = null;
        try {
            while (in.isReadable() && state != State.CLOSED && step(in)) {
                // each step consumes bytes or stops for more
            }
            if (state == State.HEAD && in.isReadable()) {
                cumulation = owned ? in.retain()
                        : alloc.buffer(Math.max(INITIAL_HEAD_BUFFER, in.readableBytes())).writeBytes(in);
            }
        } catch (MalformedResponseException e) {
            close();
            throw e;
        } finally {
            in.release();
        }
    }

    /**
     * Appends {@code data} to the partial head and releases it. The head's buffer is written into only while nothing
     * else holds it: body slices cut from it earlier would see their bytes move, so then the head is copied.
     */
    private ByteBuf cumulate(ByteBuf data) {
        ByteBuf head = cumulation;
        try {
            if (head.refCnt() > 1) {
                ByteBuf copy = alloc.buffer(Math.max(INITIAL_HEAD_BUFFER, head.readableBytes() + data.readableBytes()));
                copy.writeBytes(head);
                cumulation = copy;
                head.release();
                head = copy;
            } else {
                head.discardSomeReadBytes();
            }
            return head.writeBytes(data);
        } finally {
            data.release();
        }
    }

    /**
     * The service closed its side: a body delimited by the close is complete. A response cut off anywhere else stays
     * incomplete, which the caller sees as no {@link Listener#onEnd}.
     */
    void inputEnded() {
        if (state == State.UNTIL_CLOSE) {
            state = State.HEAD;
            listener.onEnd();
        }
    }

    /** After a {@code 101}: the bytes that follow are another protocol's, and the connection half-closes as TCP does. */
    boolean upgraded() {
        return state == State.UPGRADED;
    }

    /** Stops framing and releases a partial head. */
    void close() {
        state = State.CLOSED;
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    /** One step of framing at {@code in}'s reader index; false when more bytes are needed. */
    private boolean step(ByteBuf in) throws MalformedResponseException {
        switch (state) {
            case HEAD:
                return head(in);
            case UNTIL_CLOSE:
            case UPGRADED:
                int all = in.readableBytes();
                listener.onBody(in.readRetainedSlice(all), all);
                return true;
            case LENGTH:
                int take = (int) Math.min(remaining, in.readableBytes());
                remaining -= take;
                listener.onBody(in.readRetainedSlice(take), take);
                if (remaining == 0) {
                    endResponse();
                }
                return true;
            default:
                chunked(in);
                return true;
        }
    }

    private void endResponse() {
        state = State.HEAD;
        listener.onEnd();
    }

    // ---- head ----

    private boolean head(ByteBuf in) throws MalformedResponseException {
        if (headScanned == 0) {
            // Netty's decoders skip blank lines before a start line too; nothing of them is passed on.
            while (in.isReadable() && (in.getByte(in.readerIndex()) == CR || in.getByte(in.readerIndex()) == LF)) {
                in.skipBytes(1);
            }
            if (!in.isReadable()) {
                return false;
            }
        }
        int end = headEnd(in);
        if (end < 0) {
            if (in.readableBytes() > MAX_HEAD_SIZE) {
                throw new MalformedResponseException("response head above " + MAX_HEAD_SIZE + " bytes");
            }
            return false;
        }
        int length = end + 1 - in.readerIndex();
        headScanned = 0;
        headLineStart = 0;
        if (length > MAX_HEAD_SIZE) {
            throw new MalformedResponseException("response head above " + MAX_HEAD_SIZE + " bytes");
        }
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        HttpResponse response = parseHead(bytes);
        startBody(response);
        return true;
    }

    /** The index of the LF that ends the head (an empty line), or -1; remembers how far it searched. */
    private int headEnd(ByteBuf in) {
        int base = in.readerIndex();
        int limit = in.writerIndex();
        int from = base + headScanned;
        while (from < limit) {
            int lf = in.indexOf(from, limit, LF);
            if (lf < 0) {
                break;
            }
            int lineStart = base + headLineStart;
            if (lf == lineStart || (lf == lineStart + 1 && in.getByte(lineStart) == CR)) {
                return lf;
            }
            headLineStart = lf + 1 - base;
            from = lf + 1;
        }
        headScanned = limit - base;
        return -1;
    }

    private static HttpResponse parseHead(byte[] bytes) throws MalformedResponseException {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == CR && (i + 1 == bytes.length || bytes[i + 1] != LF)) {
                throw new MalformedResponseException("CR not followed by LF in the response head");
            }
        }
        int lineEnd = lineEnd(bytes, 0);
        int statusEnd = trimEnd(bytes, 0, lineEnd);
        // "HTTP/1.1 200" at least; the reason phrase may be empty or missing.
        if (statusEnd < 12 || !startsWith(bytes, "HTTP/1.") || (bytes[7] != '0' && bytes[7] != '1')
                || bytes[8] != ' ' || !digit(bytes[9]) || !digit(bytes[10]) || !digit(bytes[11])
                || (statusEnd > 12 && bytes[12] != ' ')) {
            throw new MalformedResponseException("not an HTTP/1.x status line: " + printable(bytes, 0, statusEnd));
        }
        HttpVersion version = bytes[7] == '1' ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0;
        int code = (bytes[9] - '0') * 100 + (bytes[10] - '0') * 10 + (bytes[11] - '0');
        if (code < 100) {
            throw new MalformedResponseException("status code " + code + " out of range");
        }
        int reasonStart = Math.min(13, statusEnd);
        checkText(bytes, reasonStart, statusEnd, "status line");
        HttpResponseStatus status = HttpResponseStatus.valueOf(code);
        if (!regionEquals(bytes, reasonStart, statusEnd, status.reasonPhrase())) {
            status = new HttpResponseStatus(code,
                    new String(bytes, reasonStart, statusEnd - reasonStart, StandardCharsets.ISO_8859_1));
        }
        HttpResponse response = new DefaultHttpResponse(version, status, HEADERS);
        parseFields(bytes, lineEnd + 1, response.headers());
        return response;
    }

    /** The field lines from {@code start} up to an empty line or the end: a head's headers, or a trailer section. */
    private static void parseFields(byte[] bytes, int start, HttpHeaders into) throws MalformedResponseException {
        while (start < bytes.length) {
            int lineEnd = lineEnd(bytes, start);
            int end = trimEnd(bytes, start, lineEnd);
            if (end == start) {
                break;
            }
            addHeader(into, bytes, start, end);
            start = lineEnd + 1;
        }
    }

    private static void addHeader(HttpHeaders headers, byte[] bytes, int start, int end)
            throws MalformedResponseException {
        int colon = start;
        while (colon < end && bytes[colon] != ':') {
            if (!HeaderRuleCheck.tokenChar(bytes[colon])) {
                // Also an obs-fold line, which RFC 9112 section 5.2 lets a proxy refuse.
                throw new MalformedResponseException("malformed header line: " + printable(bytes, start, end));
            }
            colon++;
        }
        if (colon == start || colon == end) {
            throw new MalformedResponseException("malformed header line: " + printable(bytes, start, end));
        }
        int value = colon + 1;
        while (value < end && (bytes[value] == ' ' || bytes[value] == '\t')) {
            value++;
        }
        checkText(bytes, value, end, "header value");
        headers.add(new AsciiString(bytes, start, colon - start, false),
                new AsciiString(bytes, value, end - value, false));
    }

    // ---- body ----

    private void startBody(HttpResponse response) throws MalformedResponseException {
        int code = response.status().code();
        if (code >= 100 && code < 200 && code != 101) {
            listener.onHead(response, Body.NONE);
            return;
        }
        Sent request = sent.poll();
        if (code == 101) {
            if (request == null || !request.upgrade().accepts(response.headers())) {
                throw new MalformedResponseException("101 Switching Protocols to a protocol its request did not offer");
            }
            state = State.UPGRADED;
            listener.onHead(response, Body.UPGRADED);
            if (state != State.CLOSED) {
                listener.onEnd();
            }
            return;
        }
        HttpHeaders headers = response.headers();
        trailers = EmptyHttpHeaders.INSTANCE;
        Body body;
        if ((request != null && request.head()) || code == 204 || code == 304) {
            body = Body.NONE;
        } else if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            // Transfer-Encoding wins over Content-Length (RFC 9112 section 6.3), which must then not be passed on. In
            // HTTP/1.0 it makes the framing faulty (section 6.1): the body runs to the close, and so does the public
            // connection, whatever the peer makes of the chunks.
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
            body = response.protocolVersion() != HttpVersion.HTTP_1_0
                    && chunkedLast(headers.getAll(HttpHeaderNames.TRANSFER_ENCODING)) ? Body.CHUNKED : Body.UNTIL_CLOSE;
        } else if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            remaining = contentLength(headers);
            body = Body.LENGTH;
        } else {
            body = Body.UNTIL_CLOSE;
        }
        state = switch (body) {
            case LENGTH -> remaining == 0 ? State.HEAD : State.LENGTH;
            case CHUNKED -> State.CHUNK_SIZE;
            case UNTIL_CLOSE -> State.UNTIL_CLOSE;
            default -> State.HEAD;
        };
        remaining = body == Body.CHUNKED ? 0 : remaining;
        chunkSizeDigits = 0;
        listener.onHead(response, body);
        if (state == State.HEAD) {
            listener.onEnd();
        }
    }

    private static boolean chunkedLast(List<String> codings) {
        String last = codings.get(codings.size() - 1);
        int comma = last.lastIndexOf(',');
        return last.substring(comma + 1).trim().equalsIgnoreCase("chunked");
    }

    /** The one length all Content-Length fields agree on (duplicates are allowed when equal). */
    private static long contentLength(HttpHeaders headers) throws MalformedResponseException {
        long length = -1;
        List<String> fields = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
        boolean duplicated = fields.size() > 1;
        for (String field : fields) {
            int from = 0;
            while (from <= field.length()) {
                int comma = field.indexOf(',', from);
                int to = comma < 0 ? field.length() : comma;
                duplicated |= comma >= 0;
                long value = digits(field, from, to);
                if (value < 0) {
                    throw new MalformedResponseException("invalid Content-Length: " + field);
                }
                if (length >= 0 && value != length) {
                    throw new MalformedResponseException("differing Content-Length values: " + field);
                }
                length = value;
                from = to + 1;
            }
        }
        if (duplicated) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
        }
        return length;
    }

    /** The decimal number in {@code text[from, to)} between optional whitespace; -1 when it is not one. */
    private static long digits(String text, int from, int to) {
        int start = from;
        int end = to;
        while (start < end && (text.charAt(start) == ' ' || text.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
            end--;
        }
        if (start == end || end - start > 18) {
            return -1;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * Walks chunked framing from {@code in}'s reader index to the end of the response or of the buffer, and hands
     * on what it walked as one slice.
     */
    private void chunked(ByteBuf in) throws MalformedResponseException {
        int start = in.readerIndex();
        int limit = in.writerIndex();
        int i = start;
        payload = 0;
        boolean ended = false;
        while (i < limit && !ended && state != State.CLOSED) {
            byte b = in.getByte(i);
            if (chunkCr) {
                if (b != LF) {
                    throw new MalformedResponseException("CR not followed by LF in chunk framing");
                }
                chunkCr = false;
            }
            switch (state) {
                case CHUNK_SIZE -> {
                    i++;
                    int digit = Character.digit(b, 16);
                    if (digit >= 0) {
                        if (++chunkSizeDigits > MAX_CHUNK_SIZE_DIGITS) {
                            throw new MalformedResponseException("chunk size too large");
                        }
                        remaining = remaining * 16 + digit;
                    } else if (chunkSizeDigits == 0) {
                        throw new MalformedResponseException("malformed chunk size line");
                    } else {
                        state = State.CHUNK_SIZE_BWS;
                        chunkSizeLineEnd(b);
                    }
                }
                case CHUNK_SIZE_BWS -> {
                    i++;
                    chunkSizeLineEnd(b);
                }
                case CHUNK_EXTENSION -> {
                    i++;
                    if (b == CR) {
                        chunkCr = true;
                    } else if (b == LF) {
                        chunkSizeEnd();
                    } else if (control(b)) {
                        throw new MalformedResponseException("control character in a chunk extension");
                    }
                }
                case CHUNK_DATA -> {
                    int take = (int) Math.min(remaining, limit - i);
                    if (contentOnly) {
                        listener.onBody(in.retainedSlice(i, take), take);
                    }
                    i += take;
                    payload += take;
                    remaining -= take;
                    if (remaining == 0 && state != State.CLOSED) {
                        state = State.CHUNK_DATA_END;
                    }
                }
                case CHUNK_DATA_END -> {
                    i++;
                    if (b == CR) {
                        chunkCr = true;
                    } else if (b == LF) {
                        state = State.CHUNK_SIZE;
                        chunkSizeDigits = 0;
                    } else {
                        throw new MalformedResponseException("chunk data not followed by CRLF");
                    }
                }
                case TRAILER -> {
                    i++;
                    ended = trailer(b);
                    if (contentOnly) {
                        keepTrailer(b, ended);
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        if (contentOnly) {
            in.readerIndex(i);
        } else {
            listener.onBody(in.readRetainedSlice(i - start), payload);
        }
        if (ended && state != State.CLOSED) {
            endResponse();
        }
    }

    /**
     * After a chunk size's digits: optional whitespace (RFC 9112 section 7.1.1 BWS), then an extension or the line's
     * end. Anything else, such as {@code 5x}, is read differently by different clients.
     */
    private void chunkSizeLineEnd(byte b) throws MalformedResponseException {
        if (b == ' ' || b == '\t') {
            return;
        }
        if (b == ';') {
            state = State.CHUNK_EXTENSION;
        } else if (b == CR) {
            chunkCr = true;
        } else if (b == LF) {
            chunkSizeEnd();
        } else {
            throw new MalformedResponseException("malformed chunk size line");
        }
    }

    /** One byte of the trailer section: field lines as in a head, then an empty line; true at its end. */
    private boolean trailer(byte b) throws MalformedResponseException {
        if (b == CR) {
            chunkCr = true;
            return false;
        }
        if (b == LF) {
            if (trailerLineLength == 0) {
                return true;
            }
            if (!trailerValue) {
                throw new MalformedResponseException("malformed trailer line");
            }
            trailerLineLength = 0;
            trailerValue = false;
            return false;
        }
        if (trailerValue ? control(b) : b == ':' ? trailerLineLength == 0 : !HeaderRuleCheck.tokenChar(b)) {
            throw new MalformedResponseException("malformed trailer line");
        }
        trailerValue |= b == ':';
        trailerLineLength++;
        return false;
    }

    /** Gathers the trailer section and parses it once its empty line ended it. */
    private void keepTrailer(byte b, boolean ended) throws MalformedResponseException {
        if (!ended) {
            if (trailerBytes.size() >= MAX_HEAD_SIZE) {
                throw new MalformedResponseException("trailer section above " + MAX_HEAD_SIZE + " bytes");
            }
            trailerBytes.write(b);
            return;
        }
        byte[] bytes = trailerBytes.toByteArray();
        trailerBytes.reset();
        if (bytes.length == 0) {
            return;
        }
        HttpHeaders fields = HEADERS.newHeaders();
        parseFields(bytes, 0, fields);
        trailers = fields;
    }

    private void chunkSizeEnd() {
        if (remaining == 0) {
            state = State.TRAILER;
            trailerLineLength = 0;
            trailerValue = false;
        } else {
            state = State.CHUNK_DATA;
        }
    }

    // ---- bytes ----

    private static int lineEnd(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == LF) {
                return i;
            }
        }
        return bytes.length;
    }

    /** The end of the line {@code [start, lineEnd)} without its CR and trailing whitespace. */
    private static int trimEnd(byte[] bytes, int start, int lineEnd) {
        int end = lineEnd;
        while (end > start && (bytes[end - 1] == CR || bytes[end - 1] == ' ' || bytes[end - 1] == '\t')) {
            end--;
        }
        return end;
    }

    /** Refuses control characters other than HTAB, which clients read differently (RFC 9110 section 5.5). */
    private static void checkText(byte[] bytes, int start, int end, String what) throws MalformedResponseException {
        for (int i = start; i < end; i++) {
            if (control(bytes[i])) {
                throw new MalformedResponseException("control character 0x" + Integer.toHexString(bytes[i])
                        + " in a " + what + ": " + printable(bytes, start, end));
            }
        }
    }

    private static boolean control(byte b) {
        return (b >= 0 && b < 0x20 && b != '\t') || b == 0x7f;
    }

    private static boolean startsWith(byte[] bytes, String prefix) {
        return regionEquals(bytes, 0, prefix.length(), prefix);
    }

    private static boolean regionEquals(byte[] bytes, int start, int end, CharSequence text) {
        if (end - start != text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (bytes[start + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** At most 80 characters of a line, for an error message: control and non-ASCII bytes as '?'. */
    private static String printable(byte[] bytes, int start, int end) {
        StringBuilder text = new StringBuilder();
        for (int i = start; i < Math.min(end, start + 80); i++) {
            text.append(bytes[i] >= 0x20 && bytes[i] < 0x7f ? (char) bytes[i] : '?');
        }
        return text.toString();
    }
}
