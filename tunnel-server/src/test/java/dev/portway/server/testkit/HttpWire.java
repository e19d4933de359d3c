package dev.portway.server.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * One raw HTTP/1.x connection to a public web port: tests write exactly the bytes they mean (any Host header,
 * broken framing) and read answers back, several on one keep-alive connection.
 */
public final class HttpWire implements Closeable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** One answer; header names are kept as sent, compared without case. */
    public record Response(String statusLine, int status, List<String[]> headers, byte[] body) {
        public String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    public HttpWire(int port) throws IOException {
        this(InetAddress.getLoopbackAddress(), port);
    }

    public HttpWire(InetAddress host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(30_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public static String get(String host, String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
    }

    public HttpWire send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Half-closes: the server sees the end of this side's input, as after an HTTP/1.0 client's last request. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    public OutputStream output() {
        return out;
    }

    /** Sends {@code raw} and reads one answer. */
    public Response exchange(String raw) throws IOException {
        send(raw);
        return read(false);
    }

    /** Reads one answer; {@code head} for the answer to a HEAD request, which has no body whatever it says. */
    public Response read(boolean head) throws IOException {
        Response response = readHead();
        byte[] body;
        String length = response.header("Content-Length");
        int status = response.status();
        if (head || status / 100 == 1 || status == 204 || status == 304) {
            body = new byte[0];
        } else if ("chunked".equalsIgnoreCase(response.header("Transfer-Encoding"))) {
            body = readChunked();
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length.trim()));
        } else {
            body = in.readAllBytes();
        }
        return new Response(response.statusLine(), status, response.headers(), body);
    }

    /** Reads a status line and headers only. */
    public Response readHead() throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new EOFException("connection closed before an answer");
        }
        List<String[]> headers = new ArrayList<>();
        String l;
        while ((l = line()) != null && !l.isEmpty()) {
            int colon = l.indexOf(':');
            headers.add(new String[]{l.substring(0, colon).trim(), l.substring(colon + 1).trim()});
        }
        return new Response(statusLine, Integer.parseInt(statusLine.split(" ")[1]), headers, new byte[0]);
    }

    /** Reads {@code length} body bytes into a SHA-256 without keeping them; returns the hex digest. */
    public String readBodySha256(long length) throws IOException {
        MessageDigest digest = PatternStream.newSha256();
        byte[] buffer = new byte[64 * 1024];
        long remaining = length;
        while (remaining > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new EOFException(remaining + " body bytes missing");
            }
            digest.update(buffer, 0, n);
            remaining -= n;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Whether the server closed the connection (end of input within the timeout). */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    public void timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line();
            int n = Integer.parseInt(size.split(";")[0].trim().toLowerCase(Locale.ROOT), 16);
            if (n == 0) {
                while (!line().isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(n));
            line();
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
