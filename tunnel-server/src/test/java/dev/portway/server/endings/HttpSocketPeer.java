package dev.portway.server.endings;

import dev.portway.server.testkit.PatternStream;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

/**
 * One end of an HTTP connection on a plain socket, for the public client and the local service alike: every byte and
 * every ending (FIN, RST, half-close) is the test's choice, and what the other side did is read back as it is, in
 * particular whether the connection ended with a clean end of stream or a reset.
 */
final class HttpSocketPeer implements Closeable {
    /** How a connection ended, as its reader saw it. */
    enum Ending {
        /** A clean end of stream: everything the other side sent came, then its FIN. */
        FIN,
        /** The other side aborted (RST): what it sent may be cut short. */
        RST,
        /** Nothing ended within the read timeout. */
        STILL_OPEN
    }

    /** A body read to its end, by its framing: its size and SHA-256 in hex. */
    record Body(long bytes, String sha256) {
        static Body of(long seed, long bytes) {
            return new Body(bytes, PatternStream.sha256(seed, bytes));
        }
    }

    private static final int CHUNK = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    HttpSocketPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(30_000);
        in = new BufferedInputStream(socket.getInputStream(), CHUNK);
        out = socket.getOutputStream();
    }

    static HttpSocketPeer connect(int port) throws IOException {
        return new HttpSocketPeer(new Socket("127.0.0.1", port));
    }

    // ---- writing ----

    HttpSocketPeer send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Writes {@code length} bytes of {@link PatternStream}{@code (seed)}, stopping after {@code stopAfter} of them. */
    void sendPattern(long seed, long length, long stopAfter) throws IOException {
        PatternStream pattern = new PatternStream(seed, length);
        byte[] buffer = new byte[CHUNK];
        long left = Math.min(length, stopAfter);
        while (left > 0) {
            int n = pattern.read(buffer, 0, (int) Math.min(buffer.length, left));
            out.write(buffer, 0, n);
            left -= n;
        }
        out.flush();
    }

    void sendPattern(long seed, long length) throws IOException {
        sendPattern(seed, length, length);
    }

    /** The same bytes as {@link #sendPattern}, as chunks of a chunked body with its last chunk. */
    void sendChunkedPattern(long seed, long length) throws IOException {
        PatternStream pattern = new PatternStream(seed, length);
        byte[] buffer = new byte[CHUNK];
        int n;
        while ((n = pattern.read(buffer, 0, buffer.length)) > 0) {
            send(Integer.toHexString(n) + "\r\n");
            out.write(buffer, 0, n);
            send("\r\n");
        }
        send("0\r\n\r\n");
    }

    /** Sends FIN: the other side reads the end of this side's input, and may still answer. */
    void halfClose() throws IOException {
        socket.shutdownOutput();
    }

    /** Ends the connection with RST (SO_LINGER 0). */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    // ---- reading ----

    /** A request or response head up to its blank line; null when the connection ended cleanly before one. */
    String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        String line;
        while ((line = readLine()) != null) {
            if (line.isEmpty()) {
                return head.toString();
            }
            head.append(line).append("\r\n");
        }
        if (head.length() > 0) {
            throw new EOFException("connection ended inside a head: " + head);
        }
        return null;
    }

    /** The value of header {@code name} in {@code head}, or null. */
    static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** Reads a body framed as {@code head} says: Content-Length, chunked, or (neither) until the end of stream. */
    Body readBody(String head) throws IOException {
        String length = header(head, "Content-Length");
        if ("chunked".equalsIgnoreCase(header(head, "Transfer-Encoding"))) {
            return readChunked();
        }
        if (length != null) {
            return readExactly(Long.parseLong(length));
        }
        return readUntilEnd();
    }

    /** Reads {@code length} bytes; fails when the stream ends or is reset first. */
    Body readExactly(long length) throws IOException {
        Digest digest = new Digest();
        readInto(digest, length);
        return digest.body();
    }

    /** Reads everything up to the end of stream (a close-delimited body); a reset fails. */
    Body readUntilEnd() throws IOException {
        Digest digest = new Digest();
        byte[] buffer = new byte[CHUNK];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            digest.update(buffer, n);
        }
        return digest.body();
    }

    /**
     * Reads on until the connection ends and tells how: a test that expects the end right after a response also
     * learns of bytes that should not be there ({@code extraBytes}).
     */
    Outcome readEnding() throws IOException {
        long extra = 0;
        byte[] buffer = new byte[CHUNK];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                extra += n;
            }
            return new Outcome(Ending.FIN, extra);
        } catch (SocketTimeoutException e) {
            return new Outcome(Ending.STILL_OPEN, extra);
        } catch (SocketException e) {
            if (e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("reset")) {
                return new Outcome(Ending.RST, extra);
            }
            throw e;
        }
    }

    /** How a connection ended and how many bytes came before that which nobody expected. */
    record Outcome(Ending ending, long extraBytes) {
    }

    private Body readChunked() throws IOException {
        Digest digest = new Digest();
        while (true) {
            String size = readLine();
            if (size == null) {
                throw new EOFException("end of stream inside a chunked body");
            }
            long n = Long.parseLong(size.split(";")[0].trim(), 16);
            if (n == 0) {
                String trailer;
                while ((trailer = readLine()) != null && !trailer.isEmpty()) {
                    // trailers carry nothing these tests look at
                }
                return digest.body();
            }
            readInto(digest, n);
            if (!"".equals(readLine())) {
                throw new IOException("malformed chunk");
            }
        }
    }

    private void readInto(Digest digest, long length) throws IOException {
        byte[] buffer = new byte[CHUNK];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException((length - left) + " of " + length + " body bytes, then end of stream");
            }
            digest.update(buffer, n);
            left -= n;
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(c);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A running SHA-256 and byte count; {@link #body()} reads them without ending the digest. */
    private static final class Digest {
        private final MessageDigest sha = PatternStream.newSha256();
        private long bytes;

        void update(byte[] buffer, int n) {
            sha.update(buffer, 0, n);
            bytes += n;
        }

        Body body() {
            try {
                MessageDigest copy = (MessageDigest) sha.clone();
                return new Body(bytes, HexFormat.of().formatHex(copy.digest()));
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
