package dev.portway.server.admin;

import dev.portway.server.proxyprotocol.PublicEndpoints;

import dev.portway.admin.AdminApi;
import dev.portway.admin.http.AdminRequest;
import dev.portway.admin.http.AdminResponse;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Carries a Netty request to a transport-free part of admin-api ({@link AdminApi#handle}, or the console's
 * {@code Console#handle}) and its answer back. The body is copied out of the request here, on the event loop, because
 * the request is released when this returns; the aggregator in front has already refused bodies over
 * {@link AdminApi#MAX_BODY_BYTES}.
 */
public final class AdminApiRoute implements AsyncAdminRoute {
    private final Function<AdminRequest, CompletableFuture<AdminResponse>> api;

    /** @param api never blocks, and its future never fails (every failure is already a problem response) */
    public AdminApiRoute(Function<AdminRequest, CompletableFuture<AdminResponse>> api) {
        this.api = api;
    }

    /** The paths the API owns on the admin listener; {@code /metrics} and {@code /healthz} stay with the listener. */
    public static boolean owns(String path) {
        return path.equals("/readyz") || path.equals("/api/v1") || path.startsWith("/api/v1/");
    }

    @Override
    public CompletableFuture<FullHttpResponse> handle(FullHttpRequest request, ByteBufAllocator alloc,
                                                      SocketAddress remote) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        Map<String, String> query = new LinkedHashMap<>();
        uri.parameters().forEach((name, values) -> query.put(name, values.isEmpty() ? "" : values.get(0)));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.headers().forEach(h -> headers.computeIfAbsent(h.getKey(), n -> new ArrayList<>()).add(h.getValue()));
        byte[] body = ByteBufUtil.getBytes(request.content());
        AdminRequest adminRequest = new AdminRequest(request.method().name(), uri.path(), query, headers, body,
                PublicEndpoints.text(remote));
        return api.apply(adminRequest).thenApply(AdminApiRoute::toNetty);
    }

    private static FullHttpResponse toNetty(AdminResponse answer) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(answer.status());
        FullHttpResponse response = answer.stream() != null ? new StreamingResponse(status, answer.stream())
                : new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(answer.body()));
        answer.headers().forEach((name, value) -> response.headers().set(name, value));
        return response;
    }
}
