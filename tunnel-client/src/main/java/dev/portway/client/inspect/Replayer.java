package dev.portway.client.inspect;

import dev.portway.protocol.config.HostPort;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Sends a recorded request again, straight from the client to its tunnel's local service (the target client.yaml
 * gives, never one from the request), and records the answer as a new exchange linked to the original. The request
 * goes as recorded (after the server's changes, such as {@code X-Forwarded-For}), or edited; its body is sent with a
 * {@code Content-Length} and {@code Connection: close}, whatever framing the original had.
 *
 * <p>Threading: blocking; called from the API's threads, {@link #MAX_CONCURRENT} at a time. Bounds: connect and the
 * whole exchange are timed out, and the response is recorded like tunnel traffic (up to {@code maxBodyBytes}).
 */
final class Replayer {
    static final int MAX_CONCURRENT = 4;
    /** Fields the replay sets itself, or that describe the original connection rather than the request. */
    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "connection", "keep-alive",
            "te", "trailer", "upgrade", "proxy-connection");

    /** Why a replay could not be made; {@code status} is the API's answer. */
    static final class ReplayException extends Exception {
        final int status;

        ReplayException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final InspectLog log;
    private final Function<String, Optional<HostPort>> targets;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final Semaphore running = new Semaphore(MAX_CONCURRENT);

    Replayer(InspectLog log, Function<String, Optional<HostPort>> targets, Duration connectTimeout, Duration timeout) {
        this.log = log;
        this.targets = targets;
        this.connectTimeout = connectTimeout;
        this.timeout = timeout;
    }

    Exchange replay(Exchange original, ReplayEdit edit) throws ReplayException {
        HostPort target = targets.apply(original.tunnel()).orElseThrow(() -> new ReplayException(409,
                "tunnel " + original.tunnel() + " is not served by this client any more"));
        byte[] request = requestBytes(original, edit);
        if (!running.tryAcquire()) {
            throw new ReplayException(429, "already " + MAX_CONCURRENT + " replays running; try again when one ends");
        }
        try {
            return send(original, target, request);
        } finally {
            running.release();
        }
    }

    static byte[] requestBytes(Exchange original, ReplayEdit edit) throws ReplayException {
        if (original.state() == Exchange.State.UPGRADED) {
            throw new ReplayException(409, "a protocol upgrade (WebSocket) cannot be replayed");
        }
        byte[] body = edit.body();
        if (body == null) {
            RecordedBody recorded = original.requestBody();
            if (recorded == null) {
                throw new ReplayException(409, "the request body has not been received in full");
            }
            if (recorded.truncated()) {
                throw new ReplayException(409, "the request body was longer than maxBodyBytes (" + recorded.size()
                        + " bytes, " + recorded.kept().length + " kept); give a body to replay it");
            }
            body = recorded.kept();
        }
        String method = edit.method() == null ? original.request().method() : edit.method();
        String path = edit.target() == null ? original.request().target() : edit.target();
        List<HttpHead.Header> headers = edit.headers() == null ? original.request().headers() : edit.headers();
        if (!method.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}")) {
            throw new ReplayException(400, "method: expected an HTTP token, got \"" + method + "\"");
        }
        if (!path.matches("(/|\\*)[\\x21-\\x7e]{0,8191}")) {
            throw new ReplayException(400, "path: expected an origin-form target such as /hook?a=1 without spaces");
        }
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        for (HttpHead.Header header : headers) {
            if (!header.name().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}")) {
                throw new ReplayException(400, "headers: expected field names made of token characters, got \""
                        + header.name() + "\"");
            }
            if (header.value().chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0 || c > 0xff)) {
                throw new ReplayException(400, "headers: " + header.name() + " has a line break or a character "
                        + "beyond Latin-1 in its value");
            }
            if (!FRAMING.contains(header.name().toLowerCase(Locale.ROOT))) {
                head.append(header.name()).append(": ").append(header.value()).append("\r\n");
            }
        }
        if (body.length > 0 || original.request().header("Content-Length") != null
                || original.request().header("Transfer-Encoding") != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(head.length() + body.length);
        bytes.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        bytes.writeBytes(body);
        return bytes.toByteArray();
    }

    private Exchange send(Exchange original, HostPort target, byte[] request) throws ReplayException {
        ExchangeObserver observer = new ExchangeObserver(log, original.tunnel(), "replay", original.id());
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target.host(), target.port()), (int) connectTimeout.toMillis());
            observe(observer::request, request, request.length);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] chunk = new byte[16 * 1024];
            while (!observer.idle()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException();
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                int n = in.read(chunk);
                if (n < 0) {
                    break;
                }
                observe(observer::response, chunk, n);
            }
        } catch (SocketTimeoutException e) {
            observer.closed();
            throw new ReplayException(504, "the local service " + target + " did not answer within "
                    + timeout.toSeconds() + " s");
        } catch (IOException e) {
            observer.closed();
            throw new ReplayException(502, "the local service " + target + " could not be reached: " + e.getMessage());
        }
        observer.closed();
        return log.get(observer.latestId()).orElseThrow(() -> new ReplayException(503,
                "the replay was recorded but already left the log (maxRequests " + log.maxRequests() + ")"));
    }

    private static void observe(java.util.function.Consumer<ByteBuf> side, byte[] bytes, int length) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes, 0, length);
        try {
            side.accept(buf);
        } finally {
            buf.release();
        }
    }
}
