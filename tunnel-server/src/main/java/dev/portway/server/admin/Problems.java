package dev.portway.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.util.LinkedHashMap;
import java.util.Map;

/** Error responses as RFC 9457 problem details ({@code application/problem+json}), and other JSON bodies. */
public final class Problems {
    public static final String PROBLEM_JSON = "application/problem+json";
    public static final String JSON = "application/json";
    private static final ObjectMapper JSON_MAPPER = new ObjectMapper();

    private Problems() {
    }

    /** A problem without a more specific type: {@code about:blank}, titled with the status's reason phrase. */
    public static FullHttpResponse problem(ByteBufAllocator alloc, HttpResponseStatus status, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", status.reasonPhrase());
        body.put("status", status.code());
        body.put("detail", detail);
        return json(alloc, status, PROBLEM_JSON, body);
    }

    public static FullHttpResponse json(ByteBufAllocator alloc, HttpResponseStatus status, String contentType,
                                        Object body) {
        byte[] bytes;
        try {
            bytes = JSON_MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable as JSON: " + body.getClass().getName(), e);
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                alloc.buffer(bytes.length).writeBytes(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        return response;
    }
}
