package dev.portway.server.http;

import dev.portway.monitor.TunnelMetrics;
import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.SessionSettings;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * One stream to an http tunnel's client, which joins it to a connection to the local service: the server speaks
 * HTTP/1.1 over it as a client would, so the tunnel's client only relays bytes. A public keep-alive connection
 * keeps its stream while its requests go to the same tunnel, and the local connection behind it is reused.
 *
 * <p>Requests are written by a {@link RequestEncoder}; a head and what arrives with it (the end of a request without
 * a body, say) go to the stream as one buffer when the request ends or the proxy waits for the stream to take more
 * ({@link #whenWritable}). Responses
 * are not decoded: a {@link ResponseFramer} parses each head and frames the body, whose bytes pass on as they came.
 * After a {@code 101} answer bytes flow as they are both ways, and {@link #sendRaw} bypasses the encoder.
 *
 * <p>Threading: everything runs on {@code home}, the public connection's event loop; stream callbacks hop there.
 * Reference counting: takes ownership of every message passed to {@code send*}; response heads and body slices are
 * handed to the {@link Listener}, which owns them, and the stream's bytes are credited back only through
 * {@link #consumed}. Closing: {@link #finish()} ends the request direction and lets the local service close;
 * {@link #reset()} aborts; a response that cannot be framed resets the stream. What it holds of the tunnel's user's
 * {@code limits.streamsPerUser} and of the tunnel's {@code maxConnections} is given back when its stream closes, or
 * when none opened.
 */
final class BackendStream implements StreamHandler {
    private static final Logger log = LoggerFactory.getLogger(BackendStream.class);
    private static final String TYPE = TunnelType.HTTP.wireName();
    /**
     * Consumed bytes are handed to the stream in batches of at least this many, each hand-over being a task on the
     * session's loop: small answers then cost one such task per dozens of requests, while a large delivery is
     * handed over at once. Withholding credit cannot stall the stream: a sender out of credit has a whole window
     * received and not credited back, of which the stream keeps back less than half a window on its own
     * ({@code StreamWindow}) and we less than this batch, far below the other half (the smallest window a session
     * allows is the default); so bytes are still being written to the public peer, and once those writes complete
     * the batch is full and handed over. It is kept small beside a quarter window, which is how little a window may
     * hold unconsumed when its sender runs dry for the window to grow.
     */
    static final int CREDIT_BATCH = SessionSettings.DEFAULT_INITIAL_WINDOW / 16;

    /** Events of one backend stream, on the home event loop. */
    interface Listener {
        /** A response head ({@link ResponseFramer.Listener#onHead}). */
        void onResponseHead(BackendStream backend, HttpResponse head, ResponseFramer.Body body);

        /**
         * Response body bytes as they came (or their content alone, for a content-only stream), or raw bytes after an
         * upgrade; {@code payload} of them are content.
         */
        void onResponseBody(BackendStream backend, ByteBuf bytes, int payload);

        /** The current response is complete. */
        void onResponseEnd(BackendStream backend);

        /**
         * All events from {@code rawBytes} of stream data were delivered: pass them on, and report them
         * {@link #consumed} once the public peer has taken them.
         */
        void onDelivered(BackendStream backend, int rawBytes);

        /**
         * The local service half-closed an upgraded connection: it sends nothing more but may still read, and the
         * stream stays open for what the public peer sends until that side finishes too.
         */
        void onUpgradedFinish(BackendStream backend);

        /** The stream ended: the local service closed ({@code reset} false) or it was aborted or never opened. */
        void onEnded(BackendStream backend, boolean reset);
    }

    private final HttpTunnel tunnel;
    private final TunnelSession session;
    private final EventLoop home;
    private Listener listener;
    private final TunnelMetrics metrics;
    private final ByteBufAllocator alloc;
    private final RequestEncoder encoder;
    private final ResponseFramer framer;
    private final Runnable ceiling;
    private final ArrayDeque<ByteBuf> early = new ArrayDeque<>();
    private final Consumer<ByteBuf> appendPending = this::append;
    private TunnelStream stream;
    private Runnable writableTask;
    /** Request bytes encoded and not yet written to the stream. */
    private ByteBuf pending;
    private int withheldCredit;
    private boolean finishRequested;
    private boolean ended;
    /** Nothing of the request was served: the stream was refused, or its client could not reach its service. */
    private boolean refused;
    private boolean answered;

    /**
     * @param ceiling     gives back what this stream holds of its tunnel's user's {@code limits.streamsPerUser} and of
     *                    its tunnel's {@code maxConnections}; run once
     * @param contentOnly whether response bodies reach the listener without their chunk framing, for a public peer
     *                    that does not speak HTTP/1.1, and trailers through {@link #trailers()}
     */
    BackendStream(HttpTunnel tunnel, TunnelSession session, EventLoop home, ByteBufAllocator alloc, Listener listener,
                  TunnelMetrics metrics, Runnable ceiling, boolean contentOnly) {
        this.tunnel = tunnel;
        this.ceiling = ceiling;
        this.session = session;
        this.home = home;
        this.listener = listener;
        this.metrics = metrics;
        this.alloc = alloc;
        this.encoder = new RequestEncoder(alloc);
        this.framer = new ResponseFramer(alloc, new ResponseFramer.Listener() {
            // The field, not the constructor's argument: a stream may change hands between exchanges.
            @Override
            public void onHead(HttpResponse head, ResponseFramer.Body body) {
                BackendStream.this.listener.onResponseHead(BackendStream.this, head, body);
            }

            @Override
            public void onBody(ByteBuf bytes, int payload) {
                BackendStream.this.listener.onResponseBody(BackendStream.this, bytes, payload);
            }

            @Override
            public void onEnd() {
                BackendStream.this.listener.onResponseEnd(BackendStream.this);
            }
        }, contentOnly);
    }

    /**
     * Hands the stream's events to {@code next} from now on: a stream that waits between exchanges of an HTTP/2
     * connection ({@link IdleBackends}) and the proxy of the stream that takes it. On the home loop.
     */
    void listener(Listener next) {
        listener = next;
    }

    /** The trailers of the response that ended last, when bodies come without framing; none otherwise. */
    HttpHeaders trailers() {
        return framer.trailers();
    }

    HttpTunnel tunnel() {
        return tunnel;
    }

    TunnelSession session() {
        return session;
    }

    /**
     * Whether the stream ended with the request unserved: the session or the client refused the stream (it is going
     * away), or the client could not connect to its local service, before any answer. The request may be sent
     * elsewhere.
     */
    boolean refused() {
        return refused;
    }

    /**
     * Whether another request to {@code tunnel} on {@code session} may go over this stream: it is a stream to them,
     * and it neither ended nor began to close.
     */
    boolean canCarry(HttpTunnel tunnel, TunnelSession session) {
        return this.tunnel == tunnel && this.session == session && reusable();
    }

    /** Whether another request may go over this stream: it neither ended nor began to close. */
    boolean reusable() {
        return !ended && !finishRequested;
    }

    /**
     * Asks the tunnel's client for a stream; requests may be sent at once and wait until it opens. The outcome is
     * always handled in a later task, never inside this call, so that a refusal reaches the listener only after its
     * caller has sent the request.
     */
    void open(String peer) {
        session.openStream(tunnel.openStream(peer), this).addListener((Future<TunnelStream> f) -> {
            // Here rather than on the home loop, which may be gone at shutdown: every unit taken is given back.
            if (f.isSuccess()) {
                f.getNow().closeFuture().addListener(closed -> ceiling.run());
            } else {
                ceiling.run();
            }
            home.execute(() -> {
                if (!f.isSuccess()) {
                    refused = true;
                    end(true);
                    return;
                }
                TunnelStream opened = f.getNow();
                metrics.streamOpened(TYPE);
                opened.closeFuture().addListener(closed -> metrics.streamClosed(TYPE));
                if (ended) {
                    opened.reset(ErrorCode.CANCEL, "public connection closed before the stream opened");
                    return;
                }
                stream = opened;
                ByteBuf data;
                while ((data = early.poll()) != null) {
                    stream.write(data);
                }
                if (finishRequested) {
                    stream.finish();
                }
                if (writableTask != null) {
                    Runnable task = writableTask;
                    writableTask = null;
                    stream.whenWritable(task);
                }
            });
        });
    }

    /**
     * Encodes a request head or body part towards the local service. The end of a request is written at once; other
     * parts wait for it, or for {@link #whenWritable}, which a proxy calls before it reads more of a request, so that
     * a head and the body part that came with it make one write.
     */
    void send(HttpObject message) {
        if (ended) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpRequest request) {
            framer.requestSent(request);
        }
        encoder.encode(message, appendPending);
        if (message instanceof LastHttpContent) {
            flush();
        }
    }

    /** Writes what {@link #send} has encoded so far. */
    private void flush() {
        if (pending != null) {
            ByteBuf data = pending;
            pending = null;
            write(data);
        }
    }

    /** Bytes of an upgraded connection, passed as they are. */
    void sendRaw(ByteBuf data) {
        if (ended) {
            data.release();
        } else {
            flush();
            write(data);
        }
    }

    /** Runs {@code task} (on the session's loop) once the stream can take more bytes. */
    void whenWritable(Runnable task) {
        if (ended) {
            return;
        }
        flush();
        if (stream == null) {
            writableTask = task;
        } else {
            stream.whenWritable(task);
        }
    }

    /** The listener has passed {@code bytes} of response data on to the public peer. */
    void consumed(int bytes) {
        withheldCredit += bytes;
        if (stream != null && withheldCredit >= CREDIT_BATCH) {
            stream.consumed(withheldCredit);
            withheldCredit = 0;
        }
    }

    /** No more requests: the local service sees end of input and closes, which ends the stream. */
    void finish() {
        if (ended || finishRequested) {
            return;
        }
        flush();
        finishRequested = true;
        if (stream != null) {
            stream.finish();
        }
    }

    /** Aborts the stream and the local connection; no further events reach the listener. */
    void reset() {
        if (ended) {
            return;
        }
        ended = true;
        if (stream != null) {
            stream.reset(ErrorCode.CANCEL, "public request ended");
        }
        release();
    }

    private void append(ByteBuf data) {
        if (pending == null) {
            pending = data;
            return;
        }
        if (!(pending instanceof CompositeByteBuf)) {
            pending = alloc.compositeBuffer().addComponent(true, pending);
        }
        ((CompositeByteBuf) pending).addComponent(true, data);
    }

    private void write(ByteBuf data) {
        tunnel.counters().bytesIn(data.readableBytes());
        if (stream == null) {
            early.add(data);
        } else {
            stream.write(data);
        }
    }

    // ---- stream side ----

    @Override
    public void onData(TunnelStream from, ByteBuf data) {
        Runnable deliver = () -> {
            if (ended) {
                data.release();
                return;
            }
            int bytes = data.readableBytes();
            answered = true;
            tunnel.counters().bytesOut(bytes);
            try {
                framer.feed(data);
            } catch (ResponseFramer.MalformedResponseException e) {
                log.debug("[tunnel={}] local service sent a malformed response: {}", tunnel.name(), e.getMessage());
                if (stream != null) {
                    stream.reset(ErrorCode.PROTOCOL_ERROR, "malformed HTTP response");
                }
                end(true);
            }
            listener.onDelivered(this, bytes);
        };
        if (home.inEventLoop()) {
            deliver.run();
            return;
        }
        try {
            home.execute(deliver);
        } catch (RejectedExecutionException e) {
            // The public connection's loop is shutting down with the server: nobody will read these bytes.
            data.release();
        }
    }

    @Override
    public void onFinish(TunnelStream from) {
        onHome(() -> {
            if (ended) {
                return;
            }
            if (framer.upgraded()) {
                listener.onUpgradedFinish(this);
                return;
            }
            // A response delimited by the end of the connection is complete only now.
            framer.inputEnded();
            listener.onDelivered(this, 0);
            finish();
            end(false);
        });
    }

    @Override
    public void onReset(TunnelStream from, ErrorCode code, String reason) {
        onHome(() -> {
            refused = !answered && (code == ErrorCode.REFUSED_STREAM || code == ErrorCode.CONNECT_FAILED);
            end(true);
        });
    }

    private void end(boolean reset) {
        if (ended) {
            return;
        }
        ended = true;
        release();
        listener.onEnded(this, reset);
    }

    private void release() {
        ByteBuf data;
        while ((data = early.poll()) != null) {
            data.release();
        }
        if (pending != null) {
            pending.release();
            pending = null;
        }
        writableTask = null;
        framer.close();
    }

    private void onHome(Runnable task) {
        if (home.inEventLoop()) {
            task.run();
        } else {
            home.execute(task);
        }
    }
}
