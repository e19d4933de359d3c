package dev.portway.server.http;

import dev.portway.server.config.Http2Config;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The HTTP/2 layer of a public connection: Netty's frame codec with the limits of {@link Http2Config}, and one child
 * channel per stream, on which {@code streams} installs the same request handling an HTTP/1.1 connection has. Each
 * stream becomes its own request, on a tunnel stream that an earlier stream of the connection to the same tunnel
 * left ({@link IdleBackends}) or a new one.
 *
 * <p>Limits: the peer may open {@code maxConcurrentStreams} streams (more are refused with REFUSED_STREAM), send a
 * header list of {@code http.maxHeaderSize} bytes, and {@code initialWindowSize} bytes per stream ahead of the proxy;
 * the codec closes the connection with GOAWAY ENHANCE_YOUR_CALM on rapid resets, CONTINUATION and empty-DATA floods and
 * on control frames the peer does not read. What is refused is counted ({@link Http2Refusals}). A connection with no
 * stream open for {@code http.idleTimeout} is closed with GOAWAY NO_ERROR.
 *
 * <p>Flow control: the connection reads on its own, as the HTTP/2 windows bound what a peer may send; each stream's
 * window is credited only as its proxy reads, which it does only while the tunnel stream takes bytes. Answers are
 * written as far as the peer's windows allow, and credited back to the tunnel stream once written.
 */
final class Http2Connection {
    /** Streams that may be in flight at full window before the connection's window stalls them. */
    private static final int CONNECTION_WINDOW_STREAMS = 4;

    private Http2Connection() {
    }

    /**
     * Adds the HTTP/2 handlers at the end of {@code pipeline}, whose connection is active and whose next bytes are the
     * client's connection preface.
     */
    static void install(ChannelPipeline pipeline, Http2Config config, int maxHeaderListSize, Duration idleTimeout,
                        Http2Refusals refusals, Consumer<Http2StreamChannel> streams) {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(config.maxConcurrentStreams())
                .initialWindowSize(config.initialWindowSize())
                .maxHeaderListSize(maxHeaderListSize);
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
                .decoderEnforceMaxRstFramesPerWindow(config.maxResets(), (int) config.resetWindow().toSeconds())
                .encoderEnforceMaxQueuedControlFrames(config.maxQueuedControlFrames())
                .frameLogger(refusals)
                .build();
        pipeline.addLast(HttpPipeline.HTTP2_IDLE, new IdleStateHandler(0, 0, idleTimeout.toNanos(),
                        TimeUnit.NANOSECONDS))
                .addLast(HttpPipeline.HTTP2_CODEC, codec)
                .addLast(HttpPipeline.HTTP2_STREAMS, new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        streams.accept(stream);
                    }
                }))
                .addLast(HttpPipeline.HTTP2_IDLE_CLOSE, new IdleClose(codec));
        // The connection's window starts at 64 KiB whatever SETTINGS say (RFC 9113 section 6.9.2); one stream's
        // window would stall on it.
        long connectionWindow = (long) config.initialWindowSize() * CONNECTION_WINDOW_STREAMS;
        int increment = (int) Math.min(Integer.MAX_VALUE - Http2CodecUtil.DEFAULT_WINDOW_SIZE,
                connectionWindow - Http2CodecUtil.DEFAULT_WINDOW_SIZE);
        pipeline.channel().writeAndFlush(new DefaultHttp2WindowUpdateFrame(increment));
        pipeline.channel().config().setAutoRead(true);
    }

    /**
     * Closes the connection (GOAWAY NO_ERROR, through the codec) once it was idle for the idle timeout with no stream
     * open; a stream open but silent is the proxy's clocks' to judge. Last in the pipeline: connection errors, which
     * the codec has answered with GOAWAY already, end here.
     */
    private static final class IdleClose extends ChannelInboundHandlerAdapter {
        private static final Logger log = LoggerFactory.getLogger(IdleClose.class);

        private final Http2FrameCodec codec;

        IdleClose(Http2FrameCodec codec) {
            this.codec = codec;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent && codec.connection().numActiveStreams() == 0) {
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("[peer={}] public HTTP/2 connection error: {}", ctx.channel().remoteAddress(), cause.toString());
        }
    }

}
