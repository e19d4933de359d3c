package dev.portway.server.admin;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * One path of the admin listener. Runs on the admin event loop, which serves nothing else, but must still not
 * block: a route that needs storage returns after handing the work off (the REST API will need an asynchronous
 * variant of this interface then). The router sets Content-Length and keep-alive; the route owns nothing of the
 * request beyond the call.
 */
@FunctionalInterface
public interface AdminRoute {
    FullHttpResponse handle(FullHttpRequest request, ByteBufAllocator alloc) throws Exception;
}
