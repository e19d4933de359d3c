package dev.portway.client.inspect;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows one direction of an HTTP/1.1 connection through the bytes it is shown, message after message: heads, bodies
 * framed by length, by chunks or by the connection's end. It only reads: the buffers it is fed keep their indices and
 * reference counts, and nothing of a body is kept here (the listener copies what it wants while it is called).
 *
 * <p>Bounds: a head (request or status line, fields, and the trailer fields of a chunked body) may take
 * {@link #MAX_HEAD} bytes, a chunk-size line {@link #MAX_CHUNK_LINE}; beyond that, or on bytes that are not HTTP, the
 * parser fails once ({@link Listener#onFailure}) and ignores everything after. An endless body costs nothing but a
 * counter.
 *
 * <p>Threading: one thread at a time (the connection's event loop).
 */
final class HttpMessageParser {
    static final int MAX_HEAD = 64 * 1024;
    static final int MAX_CHUNK_LINE = 1024;
    /** The characters of an RFC 9110 token, by code. */
    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (int c = '!'; c < 0x7f; c++) {
            TOKEN[c] = "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
        }
    }

    interface Listener {
        /** A complete head; returns how its body is framed. May throw IllegalArgumentException to fail. */
        Framing onHead(HttpHead head);

        /** {@code length} bytes of body (chunk framing removed) at {@code index} of {@code buf}; valid during the call. */
        void onBody(ByteBuf buf, int index, int length);

        /** The message ended; the next bytes start another one. */
        void onEnd();

        /** The bytes stopped making sense as HTTP; nothing more is reported. */
        void onFailure(String reason);
    }

    private enum State { HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILER, UNTIL_CLOSE, STOPPED }

    private final boolean requests;
    private final Listener listener;
    private State state = State.HEAD;
    /** The head (or chunk line, or trailer) read so far. */
    private byte[] line = new byte[256];
    private int lineLength;
    /** Where the line being read starts in {@code line}: heads and trailers are several lines. */
    private int lineStart;
    /** The request or status line of the head being read, fields still empty. */
    private HttpHead startLine;
    private long remaining;

    /** @param requests whether this direction carries requests (else responses) */
    HttpMessageParser(boolean requests, Listener listener) {
        this.requests = requests;
        this.listener = listener;
    }

    boolean stopped() {
        return state == State.STOPPED;
    }

    /** Ignores every byte from now on: the connection switched protocols, or its observer gave up. */
    void stop() {
        state = State.STOPPED;
        line = null;
    }

    /** Reads the readable bytes of {@code buf} without moving its indices. */
    void feed(ByteBuf buf) {
        int index = buf.readerIndex();
        int end = buf.writerIndex();
        try {
            while (index < end && state != State.STOPPED) {
                index = step(buf, index, end);
            }
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
        }
    }

    /** The connection's end: a body framed by it is complete; any other message in progress is cut. */
    void end() {
        if (state == State.UNTIL_CLOSE) {
            state = State.HEAD;
            listener.onEnd();
        }
        stop();
    }

    private void fail(String reason) {
        if (state != State.STOPPED) {
            stop();
            listener.onFailure(reason);
        }
    }

    private int step(ByteBuf buf, int index, int end) {
        switch (state) {
            case HEAD, TRAILER -> {
                return readHeadLine(buf, index, end);
            }
            case CHUNK_SIZE -> {
                return readChunkLine(buf, index, end);
            }
            case LENGTH, CHUNK_DATA -> {
                int n = (int) Math.min(remaining, end - index);
                listener.onBody(buf, index, n);
                remaining -= n;
                if (remaining == 0) {
                    if (state == State.LENGTH) {
                        endMessage();
                    } else {
                        state = State.CHUNK_DATA_END;
                        lineLength = 0;
                    }
                }
                return index + n;
            }
            case CHUNK_DATA_END -> {
                return readChunkDataEnd(buf, index, end);
            }
            case UNTIL_CLOSE -> {
                listener.onBody(buf, index, end - index);
                return end;
            }
            default -> {
                return end;
            }
        }
    }

    /**
     * Copies up to and including the next LF into {@code line}. Returns the index after the LF, or, when the readable
     * bytes end before one, minus the end (the line continues in the next buffer).
     */
    private int copyLine(ByteBuf buf, int index, int end, int max) {
        int lf = buf.forEachByte(index, end - index, ByteProcessor.FIND_LF);
        int stop = lf < 0 ? end : lf + 1;
        int n = stop - index;
        if (lineLength + n > max) {
            throw new IllegalArgumentException(state == State.CHUNK_SIZE ? "chunk-size line too long"
                    : "head larger than " + max + " bytes");
        }
        if (lineLength + n > line.length) {
            byte[] grown = new byte[Math.min(max, Math.max(line.length * 2, lineLength + n))];
            System.arraycopy(line, 0, grown, 0, lineLength);
            line = grown;
        }
        buf.getBytes(index, line, lineLength, n);
        lineLength += n;
        return lf < 0 ? -stop : stop;
    }

    private int readHeadLine(ByteBuf buf, int index, int end) {
        int stop = copyLine(buf, index, end, MAX_HEAD);
        if (stop < 0) {
            return -stop;
        }
        int start = lineStart;
        int length = lineLength - start;
        lineStart = lineLength;
        boolean empty = length == 1 || length == 2 && line[start] == '\r';
        if (!empty) {
            if (state == State.HEAD && start == 0) {
                // Checked at once, so that bytes which are not HTTP stop the recording without filling a head first.
                startLine = parseStartLine(new String(line, 0, length, StandardCharsets.ISO_8859_1).strip());
            }
            return stop;
        }
        if (state == State.HEAD && start == 0) {
            // Empty lines ahead of a request line are allowed (RFC 9112 section 2.2) and ignored.
            lineLength = 0;
            lineStart = 0;
            return stop;
        }
        if (state == State.TRAILER) {
            endMessage();
            return stop;
        }
        HttpHead head = parseFields(start);
        startLine = null;
        lineLength = 0;
        lineStart = 0;
        Framing framing = listener.onHead(head);
        if (state == State.STOPPED) {
            return stop;
        }
        switch (framing.kind()) {
            case NONE -> endMessage();
            case LENGTH -> {
                state = State.LENGTH;
                remaining = framing.length();
            }
            case CHUNKED -> state = State.CHUNK_SIZE;
            case UNTIL_CLOSE -> state = State.UNTIL_CLOSE;
            case SWITCHED -> stop();
        }
        return stop;
    }

    private int readChunkLine(ByteBuf buf, int index, int end) {
        int stop = copyLine(buf, index, end, MAX_CHUNK_LINE);
        if (stop < 0) {
            return -stop;
        }
        long size = 0;
        int digits = 0;
        for (int i = 0; i < lineLength; i++) {
            int digit = Character.digit(line[i], 16);
            if (digit < 0) {
                break;
            }
            digits++;
            // Leading zeros are valid and do not count towards the size's 15 significant hex digits (no overflow).
            if (size > (Long.MAX_VALUE >> 4)) {
                throw new IllegalArgumentException("chunk size too large");
            }
            size = size * 16 + digit;
        }
        if (digits == 0) {
            throw new IllegalArgumentException("invalid chunk-size line");
        }
        lineLength = 0;
        if (size == 0) {
            state = State.TRAILER;
            lineStart = 0;
        } else {
            state = State.CHUNK_DATA;
            remaining = size;
        }
        return stop;
    }

    private int readChunkDataEnd(ByteBuf buf, int index, int end) {
        int stop = copyLine(buf, index, end, 2);
        if (stop < 0) {
            return -stop;
        }
        if (!(lineLength == 1 || lineLength == 2 && line[0] == '\r')) {
            throw new IllegalArgumentException("chunk data not followed by CRLF");
        }
        lineLength = 0;
        state = State.CHUNK_SIZE;
        return stop;
    }

    private void endMessage() {
        state = State.HEAD;
        lineLength = 0;
        lineStart = 0;
        listener.onEnd();
    }

    /** The header fields: every line of {@code line[0, end)} after the start line, read in place. */
    private HttpHead parseFields(int end) {
        List<HttpHead.Header> headers = new ArrayList<>();
        int at = 0;
        while (line[at] != '\n') {
            at++;
        }
        at++;
        while (at < end) {
            int lf = at;
            while (line[lf] != '\n') {
                lf++;
            }
            int stop = lf > at && line[lf - 1] == '\r' ? lf - 1 : lf;
            int colon = at;
            while (colon < stop && line[colon] != ':') {
                colon++;
            }
            if (colon == at || colon == stop || !token(line, at, colon)) {
                throw new IllegalArgumentException("malformed header field");
            }
            int from = colon + 1;
            int to = stop;
            while (from < to && (line[from] == ' ' || line[from] == '\t')) {
                from++;
            }
            while (to > from && (line[to - 1] == ' ' || line[to - 1] == '\t')) {
                to--;
            }
            headers.add(new HttpHead.Header(new String(line, at, colon - at, StandardCharsets.ISO_8859_1),
                    new String(line, from, to - from, StandardCharsets.ISO_8859_1)));
            at = lf + 1;
        }
        return new HttpHead(startLine.method(), startLine.target(), startLine.version(), startLine.status(),
                startLine.reason(), headers);
    }

    private HttpHead parseStartLine(String start) {
        if (requests) {
            String[] parts = start.split(" ", -1);
            if (parts.length != 3 || !token(parts[0]) || parts[1].isEmpty() || !parts[2].startsWith("HTTP/1.")) {
                throw new IllegalArgumentException("malformed request line");
            }
            return HttpHead.request(parts[0], parts[1], parts[2], List.of());
        }
        if (start.length() < 12 || !start.startsWith("HTTP/1.") || start.charAt(8) != ' '
                || !start.substring(9, 12).chars().allMatch(c -> c >= '0' && c <= '9')
                || start.length() > 12 && start.charAt(12) != ' ') {
            throw new IllegalArgumentException("malformed status line");
        }
        return HttpHead.response(start.substring(0, 8), Integer.parseInt(start.substring(9, 12)),
                start.length() > 13 ? start.substring(13) : "", List.of());
    }

    private static boolean token(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        return token(bytes, 0, bytes.length);
    }

    /** Whether {@code bytes[from, to)} is an RFC 9110 token (a method, a field name). */
    private static boolean token(byte[] bytes, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            int c = bytes[i] & 0xff;
            if (c >= TOKEN.length || !TOKEN[c]) {
                return false;
            }
        }
        return true;
    }
}
