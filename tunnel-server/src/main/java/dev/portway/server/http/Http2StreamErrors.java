package dev.portway.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStreamException;

/**
 * Answers a stream error the HTTP/2 codec found on a stream (more DATA than its window, a malformed frame) with
 * RST_STREAM and that error's code: the codec leaves the reset to the stream's channel, and closing the channel alone
 * would send CANCEL. The proxy behind learns of it as the stream's channel closing.
 *
 * <p>Threading: stateless and shared. Closing: closes the stream's channel once the reset is written.
 */
@ChannelHandler.Sharable
final class Http2StreamErrors extends ChannelInboundHandlerAdapter {
    static final Http2StreamErrors INSTANCE = new Http2StreamErrors();

    private Http2StreamErrors() {
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The stream's channel is told the codec's own exception; a wrapped one is handled alike.
        Http2Error error = cause instanceof Http2Exception.StreamException stream ? stream.error()
                : cause instanceof Http2FrameStreamException frame ? frame.error() : null;
        if (error != null) {
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(error)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }
}
