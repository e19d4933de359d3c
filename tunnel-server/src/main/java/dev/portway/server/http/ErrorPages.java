package dev.portway.server.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The small HTML pages the server answers with itself (unknown host, offline client, timeouts, refused requests).
 * An operator's file replaces the built-in page of its status; files are read once, at start. A built-in page
 * names the host it was asked for, escaped.
 *
 * <p>Threading: immutable after construction.
 */
public final class ErrorPages {
    private final Map<Integer, byte[]> custom;

    private ErrorPages(Map<Integer, byte[]> custom) {
        this.custom = Map.copyOf(custom);
    }

    public static ErrorPages builtIn() {
        return new ErrorPages(Map.of());
    }

    /** Reads the operator's pages; an unreadable file fails the start, naming the file. */
    public static ErrorPages load(Map<Integer, Path> files) throws IOException {
        Map<Integer, byte[]> pages = new HashMap<>();
        for (Map.Entry<Integer, Path> entry : files.entrySet()) {
            pages.put(entry.getKey(), Files.readAllBytes(entry.getValue()));
        }
        return new ErrorPages(pages);
    }

    /** A complete response; the caller decides about keep-alive and owns the buffer. */
    FullHttpResponse render(ByteBufAllocator alloc, HttpResponseStatus status, String host) {
        byte[] body = custom.get(status.code());
        if (body == null) {
            body = builtInPage(status, host).getBytes(StandardCharsets.UTF_8);
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                alloc.buffer(body.length).writeBytes(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    private static String builtInPage(HttpResponseStatus status, String host) {
        String title = status.code() + " " + status.reasonPhrase();
        String what = switch (status.code()) {
            case 404 -> "No tunnel serves " + describe(host) + " on this server.";
            case 502 -> "The tunnel for " + describe(host) + " is not connected, or its local service refused.";
            case 504 -> "The local service behind " + describe(host) + " did not answer in time.";
            case 401 -> "This tunnel needs a user name and password.";
            case 403 -> "This tunnel does not take requests from your address.";
            case 429 -> "The tunnel for " + describe(host) + " takes no more requests from you right now; try again"
                    + " in a moment.";
            case 408 -> "The request was not received in time.";
            case 431 -> "The request's headers are too large.";
            default -> "The request could not be served.";
        };
        return "<!DOCTYPE html>\n<html><head><title>" + title + "</title></head><body><h1>" + title + "</h1><p>"
                + what + "</p><hr><p>Portway</p></body></html>\n";
    }

    private static String describe(String host) {
        return host == null ? "this host" : "<b>" + escape(host) + "</b>";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
