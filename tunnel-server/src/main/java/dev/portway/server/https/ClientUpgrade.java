package dev.portway.server.https;

import dev.portway.protocol.transport.WebSocketCarrier;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * Recognises a client's WebSocket upgrade on the HTTPS port and writes the {@code 101} that accepts it (RFC 6455
 * section 4.2). Only a request for the configured path that names the Portway subprotocol is one: anything else on
 * that path, a web app's own WebSocket included, stays an ordinary request of its host's tunnel. A plain class, so
 * that it is tested without a channel.
 *
 * <p>Threading: immutable.
 */
final class ClientUpgrade {
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** A key is the base64 of 16 random bytes (24 characters); a longer one is no key. */
    private static final int KEY_LENGTH = 24;

    private final String path;

    ClientUpgrade(String path) {
        this.path = path;
    }

    /** Whether {@code request} asks for a client connection. */
    boolean matches(HttpRequest request) {
        if (!request.decoderResult().isSuccess() || !HttpMethod.GET.equals(request.method())
                || request.protocolVersion() != HttpVersion.HTTP_1_1) {
            return false;
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        if (!(query < 0 ? uri : uri.substring(0, query)).equals(path)) {
            return false;
        }
        HttpHeaders headers = request.headers();
        String key = headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        return headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && "13".equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))
                && key != null && key.trim().length() == KEY_LENGTH
                && namesSubprotocol(headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
    }

    private static boolean namesSubprotocol(Iterable<String> fields) {
        for (String field : fields) {
            for (String token : field.split(",")) {
                if (token.trim().toLowerCase(Locale.ROOT).equals(WebSocketCarrier.SUBPROTOCOL)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The {@code 101} for a request {@link #matches} accepted. */
    FullHttpResponse accept(HttpRequest request) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.SWITCHING_PROTOCOLS);
        response.headers()
                .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                .set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT,
                        acceptKey(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY).trim()))
                .set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, WebSocketCarrier.SUBPROTOCOL);
        return response;
    }

    static String acceptKey(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }
}
