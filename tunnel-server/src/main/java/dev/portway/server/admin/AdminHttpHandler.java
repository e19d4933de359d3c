package dev.portway.server.admin;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * Dispatches aggregated requests through the {@link AdminRouter}; unknown paths get 404, known paths with another
 * method 405, a failing route 500, always as problem JSON.
 *
 * <p>Threading: the admin event loop; a delegated (asynchronous) route's response is written from whatever thread
 * completes it, through {@code ctx.writeAndFlush}, which is thread-safe. Reference counting: the request is released
 * after the route returns (by {@link SimpleChannelInboundHandler}); the response is handed to the channel, which
 * releases it also when the connection closed meanwhile. Closing: after the response when the request was not
 * keep-alive or could not be decoded. Responses to pipelined requests could leave in another order than the requests
 * when an asynchronous route is involved; HTTP clients of an admin API do not pipeline. Reading stops while the
 * channel is not writable: a peer that pipelines {@code GET /metrics} and never reads gets no more answers than the
 * write buffer's high water mark holds. A {@link StreamingResponse}
 * (the event stream) is not written here but takes over the connection until it closes.
 */
@ChannelHandler.Sharable
final class AdminHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHttpHandler.class);

    private final AdminRouter router;

    AdminHttpHandler(AdminRouter router) {
        this.router = router;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            send(ctx, request, Problems.problem(ctx.alloc(), HttpResponseStatus.BAD_REQUEST,
                    "the request could not be parsed"), false);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        AdminRouter.Match match = router.match(request.method(), path);
        if (match instanceof AdminRouter.Match.Delegated delegated) {
            runLater(ctx, request, delegated.route(), path);
            return;
        }
        FullHttpResponse response;
        if (match instanceof AdminRouter.Match.Found found) {
            response = run(ctx, request, found.route(), path);
        } else if (match instanceof AdminRouter.Match.MethodNotAllowed notAllowed) {
            response = Problems.problem(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED,
                    request.method() + " is not supported on " + path);
            response.headers().set(HttpHeaderNames.ALLOW, String.join(", ", notAllowed.allowed()));
        } else {
            response = Problems.problem(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "no resource at " + path);
        }
        send(ctx, request, response, HttpUtil.isKeepAlive(request));
    }

    private static FullHttpResponse run(ChannelHandlerContext ctx, FullHttpRequest request, AdminRoute route,
                                        String path) {
        try {
            return route.handle(request, ctx.alloc());
        } catch (Exception e) {
            log.error("[admin] {} {} failed", request.method(), path, e);
            return Problems.problem(ctx.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "the request failed");
        }
    }

    private static void runLater(ChannelHandlerContext ctx, FullHttpRequest request, AsyncAdminRoute route,
                                 String path) {
        // Taken now: the request is released when channelRead0 returns, long before the answer exists.
        HttpVersion version = request.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String method = request.method().name();
        CompletableFuture<FullHttpResponse> answer;
        try {
            answer = route.handle(request, ctx.alloc(), ctx.channel().remoteAddress());
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((response, failure) -> {
            if (failure != null) {
                log.error("[admin] {} {} failed", method, path, failure);
                response = Problems.problem(ctx.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "the request failed");
            }
            send(ctx, version, response, keepAlive);
        });
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response,
                             boolean keepAlive) {
        send(ctx, request.protocolVersion(), response, keepAlive);
    }

    private static void send(ChannelHandlerContext ctx, HttpVersion version, FullHttpResponse response,
                             boolean keepAlive) {
        if (response instanceof StreamingResponse streaming) {
            streaming.begin(ctx, version);
            return;
        }
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        response.setProtocolVersion(version);
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Stops the flow control handler before the next request already read, not only the next socket read.
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("[admin peer={}] connection error: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
