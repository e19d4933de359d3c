package dev.portway.server.admin;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * One path of the admin listener, answered at once. Runs on the admin event loop, which serves nothing else, but
 * must still not block: a route that waits on storage is an {@link AsyncAdminRoute}. The router sets Content-Length and keep-alive; the route owns nothing of the
 * request beyond the call.
 */
@FunctionalInterface
public interface AdminRoute {
    FullHttpResponse handle(FullHttpRequest request, ByteBufAllocator alloc) throws Exception;
}
