package dev.portway.server.http;

import dev.portway.monitor.PublicConnectionRefusal;
import dev.portway.monitor.TunnelMetrics;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.relay.StreamRelay;
import dev.portway.protocol.transport.HalfCloseGuard;
import dev.portway.server.limits.ConnectionCap;
import dev.portway.server.limits.UserCeiling;
import dev.portway.protocol.relay.BandwidthThrottle;
import dev.portway.server.proxyprotocol.ProxyProtocolInbound;
import dev.portway.server.proxyprotocol.PublicEndpoints;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The proxy of one public HTTP connection. Every request is routed on its own Host and path, so a keep-alive
 * connection may move between tunnels (a load-balancing group keeps it on its current member while that member is
 * online, and sends a request without a body that a member did not serve to another member); consecutive
 * requests to the same tunnel share one {@link BackendStream}
 * (and so one local connection), which holds a unit of the tunnel's user's {@code limits.streamsPerUser} until it
 * closes: a request that needs a new stream when the user holds them all is answered 429. One request is in flight
 * at a time: pipelined requests wait, decoded, until the
 * answer before them is complete. An accepted {@code Upgrade} (WebSocket) turns the connection into a raw relay.
 *
 * <p>Flow control: auto-read is off. While a request body flows, the next read waits until the stream has credit
 * (as {@code StreamRelay} does), so an upload is never buffered beyond the stream's window; response bytes are
 * credited back to the stream only when the public socket has taken them. Neither the next request is read nor a
 * pipelined one answered while the public channel is not writable, so a peer that pipelines and never reads holds
 * at most one read's requests and the channel's high water mark of answers.
 *
 * <p>On an HTTP/2 connection each stream is a channel of its own with its own handler, which serves that stream's
 * one request over its own backend stream: "the connection" above is then the stream, closing it resets only that
 * stream, and answers are written as messages for the stream's codec rather than as bytes ({@link PublicResponses}).
 *
 * <p>Threading: the public channel's event loop; backend events hop there. Reference counting: releases every
 * message it does not pass on, including pipelined ones still queued when the connection closes. Closing: a
 * malformed request, a timeout, or an answer that cannot be framed for keep-alive closes this one connection after
 * its answer is flushed; an answer cut off (the stream reset, or ended inside a body) ends it with RST, and so does a
 * reset of an upgraded connection, whose FINs pass on one direction at a time (docs/protocol.md, "How streams end").
 */
final class HttpProxyHandler extends ChannelInboundHandlerAdapter implements BackendStream.Listener {
    private static final Logger log = LoggerFactory.getLogger(HttpProxyHandler.class);
    /** Streams of a busy user end all the time; a client may well be served a second later. */
    private static final int RETRY_AFTER_SECONDS = 1;

    private final HttpVhostRouter router;
    private final WellKnownAnswers wellKnown;
    private final ErrorPages pages;
    private final TunnelMetrics metrics;
    private final String scheme;
    private final RequestClock clock;
    private final ServedLoopGroup webLoops;
    private final UserCeiling streams;
    private final BandwidthThrottle throttle;
    private final PublicResponses responses;
    /** Null on an HTTP/1.x connection. */
    private final IdleBackends idle;
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    private final Runnable readNext = this::readNextOnLoop;
    private ChannelHandlerContext ctx;
    private String peerIp = "-";
    private String peer = "-";
    /** The real public peer (after a PROXY header), whom the tunnel's address rules judge. */
    private InetSocketAddress peerAddress;
    private BackendStream backend;
    private Exchange exchange;
    /** The last write of the backend delivery in progress ({@link #onDelivered}). */
    private ChannelFuture lastWrite;
    private boolean started;
    /** The peer half-closed: reading again would fail, and no request can follow the current one. */
    private boolean inputEnded;
    private boolean upgraded;
    /** The local service half-closed the upgraded connection: the public side has been sent FIN, or will be. */
    private boolean upgradedOutputEnded;
    private boolean closing;
    /** Reading on, or answering pipelined requests, waits until the public socket took what was written. */
    private boolean awaitingDrain;

    /** One request and its answer, for routing decisions, the access log and the metrics. */
    private static final class Exchange {
        final String method;
        final String host;
        final String path;
        final long started = System.nanoTime();
        boolean keepAlive;
        boolean http10;
        HttpTunnel tunnel;
        RouteTarget target;
        /**
         * For a request without a body to a group or to a tunnel forwarded to another node: its head as received,
         * to send again to another member, or once more after the forwarding was read again.
         */
        HttpRequest replay;
        /** The path it was routed on. */
        String routedPath;
        /** It was refused over a link to another node, and is tried once more after {@link HttpTunnel#refreshRoute}. */
        boolean retriedAfterRefresh;
        /** Members that did not serve this request ({@link BackendStream#refused}). */
        List<HttpTunnel> refusedBy;
        /** Forwarded to a backend, as opposed to answered by the server itself. */
        boolean forwarded;
        boolean requestDone;
        boolean responseStarted;
        /** The response head was the whole answer ({@link PublicResponses#head}). */
        boolean headComplete;
        boolean closeAfter;
        boolean backendReusable = true;
        boolean upgradeAccepted;
        /** The request offers to leave HTTP ({@link UpgradeOffer}): what the peer sends next may not be HTTP. */
        boolean mayLeaveHttp;
        int status;
        long bytes;

        Exchange(String method, String host, String path) {
            this.method = method;
            this.host = host;
            this.path = path;
        }
    }

    /**
     * @param streams  {@code limits.streamsPerUser}: each backend stream holds a unit of its tunnel's user's
     * @param throttle  the connection's, held to the bandwidth of the tunnel each new backend stream goes to
     * @param responses how answers are written: as HTTP/1.1 bytes, or as messages to an HTTP/2 stream's codec
     * @param idle      the backend streams an HTTP/2 connection keeps between its streams; null for HTTP/1.x
     */
    HttpProxyHandler(HttpVhostRouter router, WellKnownAnswers wellKnown, ErrorPages pages, TunnelMetrics metrics,
                     String scheme, RequestClock clock, ServedLoopGroup webLoops, UserCeiling streams,
                     BandwidthThrottle throttle, PublicResponses responses, IdleBackends idle) {
        this.idle = idle;
        this.throttle = throttle;
        this.responses = responses;
        this.router = router;
        this.wellKnown = wellKnown;
        this.pages = pages;
        this.metrics = metrics;
        this.scheme = scheme;
        this.clock = clock;
        this.webLoops = webLoops;
        this.streams = streams;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        HalfCloseGuard.apply(ctx.channel());
        // The same form as TCP and UDP tunnels send in OPEN: an IPv6 address in brackets.
        PublicEndpoints endpoints = ProxyProtocolInbound.endpoints(ctx.channel());
        peerAddress = endpoints.peer();
        peerIp = endpoints.peer().getAddress().getHostAddress();
        peer = endpoints.peerText();
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    /**
     * An accepted socket is already active when its initializer adds this handler, and is then announced active
     * once more; a handler added after a TLS handshake sees only the first. Either way this runs once.
     */
    private void start() {
        if (!started) {
            started = true;
            ctx.read();
        }
    }

    // ---- public side ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upgraded) {
            if (msg instanceof ByteBuf data && backend != null) {
                backend.sendRaw(data);
            } else {
                ReferenceCountUtil.release(msg);
            }
        } else if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (!queued.isEmpty() || (exchange != null && (exchange.requestDone || msg instanceof HttpRequest))) {
            queued.add(msg);
        } else {
            handle(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (closing) {
            return;
        }
        if (upgraded || (exchange != null && exchange.forwarded && !exchange.requestDone)) {
            if (backend != null) {
                backend.whenWritable(readNext);
            }
        } else if ((exchange == null || (exchange.requestDone && !exchange.mayLeaveHttp)) && queued.isEmpty()
                && !inputEnded) {
            // Reading on while an answer is awaited keeps the socket's read interest set: clearing it here and
            // setting it again after the answer would cost two epoll_ctl calls per request. A request that arrives
            // meanwhile (pipelining) waits in queued, and reading stops while anything does. Not after an Upgrade
            // request: bytes sent before its 101 belong to the new protocol and must not meet the HTTP decoder.
            readOn();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (awaitingDrain && ctx.channel().isWritable()) {
            awaitingDrain = false;
            if (exchange == null && !closing) {
                continueQueued();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // The peer sent all it will send (half-close): answer what is in progress, then close.
            inputEnded = true;
            if (exchange != null && exchange.forwarded && !exchange.requestDone && !upgraded) {
                // The request body ends before its declared length: the decoder emits nothing for it.
                abandonRequest();
            } else if (upgraded) {
                // A raw relay passes the half-close on: the local service reads end of input, and its own close
                // ends the stream and then this connection.
                if (backend != null) {
                    backend.finish();
                }
                closeUpgradedIfBothEnded();
            } else if (exchange == null && queued.isEmpty()) {
                closing = true;
                ctx.close();
            }
            ctx.fireUserEventTriggered(evt);
        } else if (evt == RequestClock.Expired.IDLE) {
            closing = true;
            ctx.close();
        } else if (evt == RequestClock.Expired.HEADERS) {
            if (exchange == null && !closing) {
                exchange = new Exchange("-", null, "-");
                respond(HttpResponseStatus.REQUEST_TIMEOUT, true);
            }
        } else if (evt == RequestClock.Expired.BODY) {
            bodyTimedOut();
        } else if (evt == RequestClock.Expired.RESPONSE) {
            responseTimedOut();
        } else if (evt instanceof Http2ResetFrame) {
            // The HTTP/2 client cancelled the stream (a gRPC deadline, say). Its channel would close only at its
            // next read, which a stream held back by its tunnel stream's window may never ask for: the backend
            // stream is reset now, so that the local service stops working on the request.
            closing = true;
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        Object msg;
        while ((msg = queued.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
        if (backend != null) {
            BackendStream b = backend;
            dropBackend();
            if (upgraded || exchange != null) {
                b.reset();
            } else if (idle != null) {
                idle.park(b);
            } else {
                b.finish();
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("[peer={}] public HTTP connection error: {}", peer, cause.toString());
        closing = true;
        ctx.close();
    }

    private void handle(Object msg) {
        if (msg instanceof HttpRequest request) {
            startExchange(request);
        } else if (msg instanceof HttpContent content) {
            requestContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void startExchange(HttpRequest request) {
        clock.headersReceived();
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        RequestTarget target = RequestTarget.parse(request.uri());
        String host = target != null && target.authority() != null ? target.authority()
                : hosts.isEmpty() ? null : hosts.get(0);
        Exchange e = new Exchange(request.method().name(), host, request.uri());
        exchange = e;
        e.keepAlive = HttpUtil.isKeepAlive(request);
        e.http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        boolean hasBody = HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            ReferenceCountUtil.release(request);
            respond(statusFor(decoded.cause()), true);
            return;
        }
        if (hosts.size() != 1 || host.isBlank()) {
            ReferenceCountUtil.release(request);
            respond(HttpResponseStatus.BAD_REQUEST, true);
            return;
        }
        if (HttpMethod.CONNECT.equals(request.method())) {
            // A tunnel serves a web site, not a forward proxy: nothing could frame what a CONNECT answer starts.
            ReferenceCountUtil.release(request);
            respond(HttpResponseStatus.METHOD_NOT_ALLOWED, true);
            return;
        }
        if (target == null) {
            ReferenceCountUtil.release(request);
            respond(HttpResponseStatus.BAD_REQUEST, true);
            return;
        }
        // The local service sees the host and path the request was routed on, whatever form it came in.
        request.setUri(target.originForm());
        request.headers().set(HttpHeaderNames.HOST, host);
        e.mayLeaveHttp = UpgradeOffer.of(request.headers()).offered();
        boolean closeOnRefusal = !e.keepAlive || hasBody;
        Optional<String> known = wellKnown.answer(host, target.path());
        if (known.isPresent()) {
            ReferenceCountUtil.release(request);
            respond(textAnswer(known.get()), closeOnRefusal);
            return;
        }
        RouteTarget route = router.route(host, target.path());
        HttpTunnel tunnel = route == null ? null : route.pick(backend == null ? null : backend.tunnel());
        if (tunnel == null) {
            ReferenceCountUtil.release(request);
            respond(route == null ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.BAD_GATEWAY, closeOnRefusal);
            return;
        }
        e.tunnel = tunnel;
        e.target = route;
        e.routedPath = target.path();
        if (!tunnel.filter().permits(peerAddress)) {
            ReferenceCountUtil.release(request);
            metrics.publicConnectionRefused(PublicConnectionRefusal.IP_DENIED);
            respond(HttpResponseStatus.FORBIDDEN, closeOnRefusal);
            return;
        }
        long retryAfter = tunnel.secondsBeforeNextRequest(peerAddress);
        if (retryAfter > 0) {
            ReferenceCountUtil.release(request);
            refuseOverLimit(retryAfter, closeOnRefusal);
            return;
        }
        if (!tunnel.policy().authorized(request.headers())) {
            ReferenceCountUtil.release(request);
            FullHttpResponse challenge = pages.render(ctx.alloc(), HttpResponseStatus.UNAUTHORIZED, host);
            challenge.headers().set(HttpHeaderNames.WWW_AUTHENTICATE,
                    "Basic realm=\"" + tunnel.name() + "\", charset=\"UTF-8\"");
            respond(challenge, closeOnRefusal);
            return;
        }
        TunnelSession session = tunnel.owner();
        if (session == null || !session.channel().isActive()) {
            ReferenceCountUtil.release(request);
            metrics.publicConnectionRefused(PublicConnectionRefusal.CLIENT_OFFLINE);
            respond(HttpResponseStatus.BAD_GATEWAY, closeOnRefusal);
            return;
        }
        if (!backendFor(tunnel, session)) {
            ReferenceCountUtil.release(request);
            refuseOverLimit(RETRY_AFTER_SECONDS, closeOnRefusal);
            return;
        }
        if (!hasBody && (route instanceof HttpGroup || tunnel.forwarded())) {
            e.replay = headOf(request);
        }
        e.forwarded = true;
        forward(tunnel, request);
        if (request instanceof LastHttpContent) {
            requestDone();
        }
    }

    /** Sends {@code request} over {@link #backend}, which {@link #backendFor} made ready for {@code tunnel}. */
    private void forward(HttpTunnel tunnel, HttpRequest request) {
        tunnel.policy().rewriteRequest(request, peerIp, scheme);
        backend.send(request);
    }

    /**
     * 429 with {@code Retry-After} for a request over a limit (the tunnel's rate limit or maxConnections, its user's
     * {@code limits.streamsPerUser}): a refusal at once, as for every limit (DESIGN.md: limits answer 429).
     */
    private void refuseOverLimit(long retryAfterSeconds, boolean close) {
        metrics.publicConnectionRefused(PublicConnectionRefusal.LIMIT);
        FullHttpResponse busy = pages.render(ctx.alloc(), HttpResponseStatus.TOO_MANY_REQUESTS, exchange.host);
        busy.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        respond(busy, close);
    }

    private static HttpRequest headOf(HttpRequest request) {
        return new DefaultHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                request.headers().copy());
    }

    /**
     * Sends the current request, which {@code refusedBy} did not serve ({@link BackendStream#refused}), to another
     * member of its group; false when it cannot be sent again (it has a body, or no member is left).
     */
    private boolean sendElsewhere(Exchange e, HttpTunnel refusedBy) {
        if (e.replay == null) {
            return false;
        }
        if (e.refusedBy == null) {
            e.refusedBy = new ArrayList<>(2);
        }
        e.refusedBy.add(refusedBy);
        HttpTunnel next = e.target.pickInstead(e.refusedBy);
        if (!resend(e, next)) {
            return false;
        }
        log.debug("[peer={} tunnel={}] a group member did not serve the request; sending it to {}", peer, next.name(),
                next.owner().label());
        return true;
    }

    /**
     * Sends the head of {@code e}, kept for this ({@link Exchange#replay}), and its end if it came already, to
     * {@code next} on a new backend stream; false when {@code next} is null or its client is offline.
     */
    private boolean resend(Exchange e, HttpTunnel next) {
        TunnelSession session = next == null ? null : next.owner();
        if (session == null || !session.channel().isActive() || !backendFor(next, session)) {
            return false;
        }
        e.tunnel = next;
        forward(next, headOf(e.replay));
        if (e.requestDone) {
            backend.send(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        return true;
    }

    /**
     * The node a request without a body was forwarded to refused it (the client moved on, say): once this node has
     * read again where the tunnel's client is, the request is routed afresh and sent once more, to the same user's
     * tunnel of the same name only. False when it cannot be (a body, a local tunnel, tried once already).
     */
    private boolean retryAfterRefresh(Exchange e, HttpTunnel refusedBy) {
        CompletionStage<Void> refreshed = e.replay == null || e.retriedAfterRefresh ? null : refusedBy.refreshRoute();
        if (refreshed == null) {
            return false;
        }
        e.retriedAfterRefresh = true;
        log.debug("[peer={} tunnel={}] the node it was forwarded to refused the request; trying again once the"
                + " forwarding was read again", peer, refusedBy.name());
        refreshed.whenComplete((done, error) -> ctx.executor().execute(() -> sendAfterRefresh(e, refusedBy)));
        return true;
    }

    private void sendAfterRefresh(Exchange e, HttpTunnel refusedBy) {
        if (exchange != e || closing || e.responseStarted) {
            return;
        }
        RouteTarget route = router.route(e.host, e.routedPath);
        HttpTunnel tunnel = route == null ? null : route.pick(null);
        boolean same = tunnel != null && tunnel.name().equals(refusedBy.name())
                && tunnel.principal().userId() == refusedBy.principal().userId()
                && tunnel.user().equals(refusedBy.user());
        if (!same || !resend(e, tunnel)) {
            respond(HttpResponseStatus.BAD_GATEWAY, true);
            return;
        }
        e.target = route;
    }

    private void requestContent(HttpContent content) {
        if (exchange == null || !exchange.forwarded || exchange.requestDone || backend == null) {
            // The rest of a request the server answered itself, or one whose backend is gone.
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            log.debug("[peer={}] request body failed: {}", peer, content.decoderResult().cause().toString());
            content.release();
            abandonRequest();
            return;
        }
        boolean last = content instanceof LastHttpContent;
        backend.send(content);
        if (last) {
            requestDone();
        }
    }

    private void requestDone() {
        exchange.requestDone = true;
        clock.requestSent();
    }

    private void responseTimedOut() {
        if (exchange == null || exchange.responseStarted || closing) {
            return;
        }
        resetBackend();
        respond(HttpResponseStatus.GATEWAY_TIMEOUT, true);
    }

    /**
     * The peer stopped sending its request body: the local service, which waits for the rest, is let go, and the
     * peer is told unless the answer already began.
     */
    private void bodyTimedOut() {
        if (exchange == null || exchange.requestDone || closing) {
            return;
        }
        if (exchange.responseStarted) {
            abandonRequest();
        } else {
            resetBackend();
            respond(HttpResponseStatus.REQUEST_TIMEOUT, true);
        }
    }

    private void resetBackend() {
        BackendStream b = backend;
        dropBackend();
        if (b != null) {
            b.reset();
        }
    }

    /**
     * Makes {@link #backend} a stream to {@code tunnel} on {@code session}: the current one while it can carry another
     * request, else a new one, which takes a unit of the tunnel's user's {@code limits.streamsPerUser}. False when the
     * user holds all of them; the current backend is then left as it is.
     */
    private boolean backendFor(HttpTunnel tunnel, TunnelSession session) {
        if (backend != null && backend.canCarry(tunnel, session)) {
            return true;
        }
        BackendStream waiting = backend == null && idle != null ? idle.take(tunnel, session) : null;
        if (waiting != null) {
            waiting.listener(this);
            backend = waiting;
            hold(tunnel);
            return true;
        }
        UserCeiling.Ticket stream = streams.tryAcquire(tunnel.principal());
        if (stream == null) {
            streams.logRefused(session.label() + " tunnel=" + tunnel.name() + " peer=" + peer, tunnel.principal());
            return false;
        }
        ConnectionCap.Ticket place = tunnel.cap().tryAcquire();
        if (place == null) {
            stream.release();
            return false;
        }
        if (backend != null) {
            BackendStream previous = backend;
            dropBackend();
            previous.finish();
        }
        webLoops.served(session.channel().eventLoop());
        backend = new BackendStream(tunnel, session, ctx.channel().eventLoop(), ctx.alloc(), this, metrics, () -> {
            stream.release();
            place.release();
        }, responses.contentOnly());
        hold(tunnel);
        backend.open(peer);
        return true;
    }

    /** The public connection is held to the tunnel's rate limit and closed with it. */
    private void hold(HttpTunnel tunnel) {
        tunnel.counters().holdTo(throttle);
        tunnel.track(ctx.channel());
    }

    private void dropBackend() {
        if (backend != null) {
            backend.tunnel().untrack(ctx.channel());
            backend = null;
        }
    }

    private void readNextOnLoop() {
        if (ctx.executor().inEventLoop()) {
            if (!closing && !inputEnded && ctx.channel().isActive()) {
                ctx.read();
            }
        } else {
            ctx.executor().execute(this::readNextOnLoop);
        }
    }

    // ---- backend side ----

    @Override
    public void onResponseHead(BackendStream from, HttpResponse head, ResponseFramer.Body body) {
        if (from != backend || closing || upgraded || exchange == null) {
            // The local service said more than it was asked: nothing on the public side expects it.
            return;
        }
        responseHead(head, body);
        exchange.headComplete = exchange.responseStarted && (body == ResponseFramer.Body.NONE
                || body == ResponseFramer.Body.LENGTH && HttpUtil.getContentLength(head, -1L) == 0);
        lastWrite = responses.head(ctx, head, exchange.headComplete);
    }

    @Override
    public void onResponseBody(BackendStream from, ByteBuf bytes, int payload) {
        if (upgraded && from == backend) {
            lastWrite = ctx.write(bytes);
        } else if (from != backend || closing || exchange == null || !exchange.responseStarted) {
            bytes.release();
        } else {
            exchange.bytes += payload;
            lastWrite = responses.body(ctx, bytes);
        }
    }

    @Override
    public void onResponseEnd(BackendStream from) {
        if (from != backend || closing || upgraded || exchange == null || !exchange.responseStarted) {
            return;
        }
        if (!exchange.headComplete) {
            lastWrite = responses.end(ctx, from.trailers(), lastWrite);
        }
        responseDone(lastWrite);
    }

    @Override
    public void onDelivered(BackendStream from, int rawBytes) {
        ChannelFuture written = lastWrite;
        lastWrite = null;
        if (written == null) {
            from.consumed(rawBytes);
        } else {
            ctx.flush();
            written.addListener(f -> from.consumed(rawBytes));
        }
    }

    private void responseHead(HttpResponse response, ResponseFramer.Body body) {
        Exchange e = exchange;
        int code = response.status().code();
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL && code != 101) {
            return;
        }
        clock.responseStarted();
        e.responseStarted = true;
        e.status = code;
        e.backendReusable = HttpUtil.isKeepAlive(response);
        e.tunnel.policy().rewriteResponse(response);
        if (code == 101) {
            e.upgradeAccepted = true;
            return;
        }
        e.closeAfter = !e.keepAlive || body == ResponseFramer.Body.UNTIL_CLOSE;
        if (e.closeAfter) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (e.http10) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else {
            // The local connection's own fate is not the public connection's.
            response.headers().remove(HttpHeaderNames.CONNECTION);
        }
    }

    private void responseDone(ChannelFuture written) {
        Exchange e = exchange;
        exchange = null;
        finished(e);
        if (e.upgradeAccepted) {
            upgrade();
            return;
        }
        if (!e.backendReusable || !e.requestDone) {
            BackendStream b = backend;
            dropBackend();
            if (b != null) {
                if (e.requestDone) {
                    b.finish();
                } else {
                    b.reset();
                }
            }
        }
        if (e.closeAfter || !e.requestDone) {
            ctx.flush();
            closeBehind(written);
            return;
        }
        nextRequest();
    }

    /**
     * Closes once {@code last} is written. Its write completes only when the peer reads, so the request clock runs on
     * meanwhile: a peer that never reads is cut at the idle timeout.
     */
    private void closeBehind(ChannelFuture last) {
        closing = true;
        last.addListener(ChannelFutureListener.CLOSE);
        clock.draining();
    }

    /** After a {@code 101}: no more HTTP on either side, bytes flow as they are. */
    private void upgrade() {
        upgraded = true;
        ctx.flush();
        // Removing the decoder hands on any bytes it already holds, which are the upgraded protocol's.
        ctx.pipeline().remove(HttpPipeline.CLOCK);
        ctx.pipeline().remove(HttpPipeline.CODEC);
        if (backend != null) {
            if (inputEnded) {
                // The peer half-closed before the 101: the local service learns it now.
                backend.finish();
            } else {
                backend.whenWritable(readNext);
            }
        }
    }

    /**
     * A request body that will not arrive whole (malformed, or the peer half-closed inside it): the local service
     * must not take what came for a complete request, so its stream is reset and this connection closed.
     */
    private void abandonRequest() {
        resetBackend();
        closing = true;
        ctx.close();
    }

    /** Goes on with pipelined requests already read, then reads on when they run out. */
    private void nextRequest() {
        clock.awaitRequest();
        continueQueued();
    }

    private void continueQueued() {
        while (!queued.isEmpty() && !closing) {
            if (exchange != null && (exchange.requestDone || queued.peek() instanceof HttpRequest)) {
                return;
            }
            if (exchange == null && !ctx.channel().isWritable()) {
                // Answers the server writes itself (404, 401...) would pile up for a peer that does not read them.
                awaitingDrain = true;
                return;
            }
            handle(queued.poll());
        }
        if (closing) {
            return;
        }
        if (exchange == null && inputEnded) {
            // The answer just written may still be unflushed: close behind it, not before it.
            closeBehind(ctx.writeAndFlush(Unpooled.EMPTY_BUFFER));
        } else if (exchange == null) {
            readOn();
        } else if (exchange.forwarded && !exchange.requestDone && backend != null) {
            backend.whenWritable(readNext);
        }
    }

    /** Reads the next request, or once the public socket took what was written when it has not yet. */
    private void readOn() {
        if (ctx.channel().isWritable()) {
            ctx.read();
        } else {
            awaitingDrain = true;
        }
    }

    @Override
    public void onUpgradedFinish(BackendStream from) {
        if (from != backend || closing) {
            return;
        }
        upgradedOutputEnded = true;
        if (inputEnded) {
            closeUpgradedIfBothEnded();
        } else if (ctx.channel() instanceof DuplexChannel duplex && ctx.pipeline().get(SslHandler.class) == null) {
            // As a TCP relay: the public peer reads FIN after the last byte and may go on sending.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> duplex.shutdownOutput());
        } else {
            // Under TLS a half-close would need close_notify with the connection kept open, which a peer may well
            // take for the whole end; closing behind the last byte is what it expects.
            dropBackend();
            from.finish();
            closing = true;
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Both sides of an upgraded connection have sent FIN: it closes behind the last byte. */
    private void closeUpgradedIfBothEnded() {
        if (upgradedOutputEnded && inputEnded && !closing) {
            // The stream ends with its own two FINs; resetting it on close could overtake the last bytes of one.
            dropBackend();
            closing = true;
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void onEnded(BackendStream from, boolean reset) {
        if (from != backend) {
            return;
        }
        dropBackend();
        if (upgraded && reset) {
            // The local service (or the carrier) cut the upgraded connection: the public peer learns it as RST.
            closing = true;
            StreamRelay.abort(ctx.channel());
        } else if (upgraded) {
            closing = true;
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (exchange != null && exchange.forwarded) {
            if (!exchange.responseStarted && from.refused()
                    && (sendElsewhere(exchange, from.tunnel()) || retryAfterRefresh(exchange, from.tunnel()))) {
                return;
            }
            if (!exchange.responseStarted) {
                respond(HttpResponseStatus.BAD_GATEWAY, true);
            } else {
                // The answer was cut off. RST, not FIN: after a FIN a client takes an answer delimited by the close
                // for a whole one, and a proxy in front of us may do the same with any answer.
                closing = true;
                StreamRelay.abort(ctx.channel());
            }
        }
    }

    // ---- answers of the server's own ----

    private FullHttpResponse textAnswer(String text) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                ByteBufUtil.writeUtf8(ctx.alloc(), text));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    private void respond(HttpResponseStatus status, boolean close) {
        respond(pages.render(ctx.alloc(), status, exchange.host), close);
    }

    private void respond(FullHttpResponse response, boolean close) {
        Exchange e = exchange;
        if (HttpMethod.HEAD.name().equals(e.method)) {
            // Its Content-Length stays: it is what a GET would have been answered with.
            response.content().clear();
        }
        e.status = response.status().code();
        e.bytes = response.content().readableBytes();
        e.requestDone = true;
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (e.http10) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        ChannelFuture written = ctx.writeAndFlush(response);
        exchange = null;
        finished(e);
        if (close) {
            closeBehind(written);
        } else {
            nextRequest();
        }
    }

    private void finished(Exchange e) {
        long nanos = System.nanoTime() - e.started;
        if (e.tunnel != null) {
            metrics.httpRequest(e.tunnel.name(), e.method, e.status, nanos);
        }
        AccessLog.record(peer, e.host, e.method, e.path, e.status, e.bytes, nanos,
                e.tunnel == null ? null : e.tunnel.name());
    }

    private static HttpResponseStatus statusFor(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongFrameException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }
}
