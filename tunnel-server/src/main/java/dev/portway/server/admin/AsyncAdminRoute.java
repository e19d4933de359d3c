package dev.portway.server.admin;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;

import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * A route whose answer comes later, from another thread (the REST API waits on storage). Called on the admin event
 * loop; it must take what it needs from the request before returning, because the request is released then. The
 * response it completes with is written by the listener (thread-safe through {@code ctx.writeAndFlush}), which also
 * sets Content-Length and keep-alive.
 */
@FunctionalInterface
public interface AsyncAdminRoute {
    CompletableFuture<FullHttpResponse> handle(FullHttpRequest request, ByteBufAllocator alloc, SocketAddress remote);
}
