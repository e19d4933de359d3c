package dev.portway.client.http2;

import dev.portway.client.tls.ClientTls;
import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Joins one tunnel stream, which carries HTTP/1.1 requests one after the other (a public keep-alive connection keeps
 * its stream), to the local service over HTTP/2: each request becomes a stream on one of the tunnel's
 * {@link LocalHttp2Connections}, its body and trailers sent as they arrive, and the answer comes back as HTTP/1.1,
 * chunked with its trailers when it has no length (a gRPC answer), so the server hands it on as HTTP/2 again.
 *
 * <p>Back-pressure: stream bytes are credited back to the tunnel only once the HTTP/2 frames made of them were written
 * to the local connection, which waits for the service's flow-control window; answers are read from the HTTP/2
 * stream (and its window given back to the service) only while the tunnel stream has credit. A request that arrives
 * before the previous answer ended waits, uncredited, in the tunnel's window.
 *
 * <p>Threading: everything runs on the tunnel session's event loop, which the local connections share. Reference
 * counting: owns the stream's bytes and the messages made of them until written or released; hands response bytes to
 * the stream. Closing: a tunnel stream reset closes the HTTP/2 stream (RST_STREAM CANCEL to the service); an HTTP/2
 * stream that ends before its answer did resets the tunnel stream. The stream finishes after the last answer once
 * the server finished its side, or after an answer to a request that asked to close.
 */
final class StreamBridge implements StreamHandler {
    /** {@code values()} would copy the array on every response. */
    private static final HttpConversionUtil.ExtensionHeaderNames[] CODEC_FIELDS =
            HttpConversionUtil.ExtensionHeaderNames.values();

    private static final Logger log = LoggerFactory.getLogger(StreamBridge.class);

    /** Stream bytes to credit back once everything decoded before them was written. */
    private record Credit(int bytes) {
    }

    private final TunnelStream stream;
    private final LocalHttp2Connections connections;
    private final String label;
    private final Http1Side http1 = new Http1Side();
    /** Decoded requests and credits, in stream order; bounded by the tunnel stream's window. */
    private final ArrayDeque<Object> inbound = new ArrayDeque<>();
    private final Consumer<HttpObject> enqueue = inbound::add;
    private final Consumer<ByteBuf> toStream;
    private Exchange exchange;
    private ChannelFuture lastWrite;
    private boolean peerFinished;
    private boolean finished;
    private boolean ended;

    StreamBridge(TunnelStream stream, LocalHttp2Connections connections, String label) {
        this.stream = stream;
        this.connections = connections;
        this.label = label;
        this.toStream = stream::write;
        stream.closeFuture().addListener(f -> release());
    }

    @Override
    public void onData(TunnelStream stream, ByteBuf data) {
        if (ended || finished) {
            data.release();
            return;
        }
        int bytes = data.readableBytes();
        http1.decode(data, enqueue);
        inbound.add(new Credit(bytes));
        drain();
    }

    @Override
    public void onFinish(TunnelStream stream) {
        peerFinished = true;
        drain();
    }

    @Override
    public void onReset(TunnelStream stream, ErrorCode code, String reason) {
        log.debug("[{}] stream reset: {} {}", label, code, reason);
        release();
    }

    /** Passes on what was decoded, as far as the current exchange allows. */
    private void drain() {
        while (!ended && !inbound.isEmpty() && (exchange == null || exchange.channel != null)) {
            Object next = inbound.peek();
            if (next instanceof Credit credit) {
                inbound.poll();
                credit(credit.bytes());
                continue;
            }
            HttpObject message = (HttpObject) next;
            if (message.decoderResult().isFailure()) {
                fail(ErrorCode.PROTOCOL_ERROR, "request not understood: " + message.decoderResult().cause());
                return;
            }
            if (message instanceof HttpRequest request) {
                if (exchange != null) {
                    break; // the previous request's answer has not ended
                }
                inbound.poll();
                Exchange started = new Exchange(request);
                exchange = started;
                connections.openStream(started).addListener(
                        (GenericFutureListener<Future<Http2StreamChannel>>) started::opened);
            } else if (exchange == null) {
                fail(ErrorCode.PROTOCOL_ERROR, "request body without a request");
                return;
            } else {
                inbound.poll();
                exchange.send(message);
            }
        }
        if (exchange != null && exchange.channel != null) {
            exchange.channel.flush();
        }
        if (!ended && !finished && peerFinished && exchange == null && inbound.isEmpty()) {
            finish();
        }
    }

    private void credit(int bytes) {
        ChannelFuture write = lastWrite;
        if (write == null || write.isDone()) {
            stream.consumed(bytes);
        } else {
            write.addListener(f -> stream.consumed(bytes));
        }
    }

    private void finish() {
        finished = true;
        stream.finish();
    }

    private void fail(ErrorCode code, String reason) {
        if (ended) {
            return;
        }
        log.debug("[{}] {}", label, reason);
        stream.reset(code, reason);
        release();
    }

    /** The codec's own {@code x-http2-*} fields stay on the HTTP/2 hop (it sets them on heads, never on trailers). */
    private static void withoutCodecFields(HttpHeaders headers) {
        for (HttpConversionUtil.ExtensionHeaderNames name : CODEC_FIELDS) {
            headers.remove(name.text());
        }
    }

    /** Lets go of everything; the HTTP/2 stream in progress, if any, is reset. */
    private void release() {
        if (ended) {
            return;
        }
        ended = true;
        Object next;
        while ((next = inbound.poll()) != null) {
            ReferenceCountUtil.release(next);
        }
        if (exchange != null) {
            exchange.abandon();
        }
        http1.close();
    }

    /**
     * One request and its answer on one HTTP/2 stream; the handler of that stream's channel, behind Netty's
     * HTTP/2-to-HTTP/1 message codec. Auto-read is off: the next frames are read when the tunnel stream can take
     * more.
     */
    private final class Exchange extends ChannelInboundHandlerAdapter {
        private final boolean keepAlive;
        private final Runnable readNext = this::readNext;
        /** The head, until the HTTP/2 stream is open. */
        private HttpRequest head;
        private Http2StreamChannel channel;
        private boolean requestEnded;
        private boolean responseEnded;

        Exchange(HttpRequest head) {
            this.head = head;
            this.keepAlive = HttpUtil.isKeepAlive(head);
        }

        void opened(Future<Http2StreamChannel> opened) {
            if (ended || exchange != this) {
                if (opened.isSuccess()) {
                    opened.getNow().close();
                }
                return;
            }
            if (!opened.isSuccess()) {
                ReferenceCountUtil.release(head);
                head = null;
                boolean busy = opened.cause() instanceof LocalHttp2Connections.BusyException;
                String reason = "local service " + connections.target() + " unavailable: "
                        + ClientTls.certificateRefusal(opened.cause()).map(refusal -> "its certificate was refused: "
                        + refusal).orElse(String.valueOf(opened.cause().getMessage()));
                if (!busy) {
                    log.warn("[{}] {}", label, reason);
                }
                fail(busy ? ErrorCode.REFUSED_STREAM : ErrorCode.CONNECT_FAILED, reason);
                return;
            }
            channel = opened.getNow();
            HttpRequest request = head;
            head = null;
            send(request);
            channel.read();
            drain();
        }

        void send(HttpObject message) {
            if (message instanceof LastHttpContent) {
                requestEnded = true;
            }
            if (responseEnded) {
                // The service answered before the request ended: what is left of it is not wanted.
                ReferenceCountUtil.release(message);
            } else {
                lastWrite = channel.write(message);
            }
            if (requestEnded && responseEnded) {
                exchange = null; // drain goes on with the next request
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (ended || exchange != this || responseEnded || !(msg instanceof HttpObject message)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            boolean last = message instanceof LastHttpContent;
            if (message instanceof HttpResponse response) {
                withoutCodecFields(response.headers());
                if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                    last = false;
                } else if (message instanceof FullHttpResponse full && !HttpUtil.isContentLengthSet(full)
                        && !HttpUtil.isTransferEncodingChunked(full)) {
                    // Without a length an HTTP/1.1 answer would run until the connection closes.
                    HttpUtil.setContentLength(full, full.content().readableBytes());
                }
            } else if (!(message instanceof HttpContent)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            http1.encode(message, toStream);
            if (last) {
                responseEnded = true;
                if (!requestEnded) {
                    channel.close();
                } else {
                    exchange = null;
                }
                if (!keepAlive && !finished) {
                    finish();
                }
                drain();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!ended && exchange == this && !responseEnded) {
                stream.whenWritable(readNext);
            }
        }

        private void readNext() {
            if (!ended && exchange == this && !responseEnded && channel.isActive()) {
                channel.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!responseEnded && exchange == this) {
                fail(ErrorCode.CANCEL, "the local service's HTTP/2 stream ended before its answer did");
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame reset) {
                // Comes at once, where the channel itself would close only at its next read.
                if (!responseEnded && exchange == this) {
                    fail(ErrorCode.CANCEL, "the local service reset its HTTP/2 stream (error code "
                            + reset.errorCode() + ")");
                }
                ctx.close();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("[{}] local HTTP/2 stream failed: {}", label, cause.toString());
            ctx.close();
        }

        void abandon() {
            ReferenceCountUtil.release(head);
            head = null;
            if (channel != null) {
                channel.close();
            }
        }
    }
}
