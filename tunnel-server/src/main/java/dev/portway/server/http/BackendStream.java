package dev.portway.server.http;

import dev.portway.monitor.TunnelMetrics;
import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * One stream to an http tunnel's client, which joins it to a connection to the local service: the server speaks
 * HTTP/1.1 over it as a client would, so the tunnel's client only relays bytes. A public keep-alive connection
 * keeps its stream while its requests go to the same tunnel, and the local connection behind it is reused.
 *
 * <p>Messages are encoded and responses decoded by Netty's client codec in an {@link EmbeddedChannel}, used on the
 * public connection's event loop only; it also pairs responses with HEAD requests. After a {@code 101} answer the
 * codec passes raw bytes, and {@link #sendRaw} bypasses it.
 *
 * <p>Threading: everything runs on {@code home}, the public connection's event loop; stream callbacks hop there.
 * Reference counting: takes ownership of every message passed to {@code send*}; decoded responses are handed to
 * the {@link Listener}, which owns them, and the stream's bytes are credited back only through {@link #consumed}.
 * Closing: {@link #finish()} ends the request direction and lets the local service close; {@link #reset()} aborts.
 */
final class BackendStream implements StreamHandler {
    private static final int MAX_RESPONSE_HEADER_SIZE = 64 * 1024;
    private static final String TYPE = TunnelType.HTTP.wireName();

    /** Events of one backend stream, on the home event loop. */
    interface Listener {
        /** Decoded response objects (HttpObject, or raw ByteBuf after an upgrade) from {@code rawBytes} of data. */
        void onResponse(BackendStream backend, List<Object> messages, int rawBytes);

        /** The stream ended: the local service closed ({@code reset} false) or it was aborted or never opened. */
        void onEnded(BackendStream backend, boolean reset);
    }

    private final HttpTunnel tunnel;
    private final TunnelSession session;
    private final EventLoop home;
    private final Listener listener;
    private final TunnelMetrics metrics;
    private final EmbeddedChannel codec;
    private final ArrayDeque<ByteBuf> early = new ArrayDeque<>();
    private TunnelStream stream;
    private Runnable writableTask;
    private boolean finishRequested;
    private boolean ended;
    /** Nothing of the request was served: the stream was refused, or its client could not reach its service. */
    private boolean refused;
    private boolean answered;

    BackendStream(HttpTunnel tunnel, TunnelSession session, EventLoop home, Listener listener, TunnelMetrics metrics) {
        this.tunnel = tunnel;
        this.session = session;
        this.home = home;
        this.listener = listener;
        this.metrics = metrics;
        this.codec = new EmbeddedChannel(new HttpClientCodec(
                new HttpDecoderConfig().setMaxHeaderSize(MAX_RESPONSE_HEADER_SIZE), false, false));
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

    /** Whether another request may go over this stream: it neither ended nor began to close. */
    boolean reusable() {
        return !ended && !finishRequested && codec.isOpen();
    }

    /**
     * Asks the tunnel's client for a stream; requests may be sent at once and wait until it opens. The outcome is
     * always handled in a later task, never inside this call, so that a refusal reaches the listener only after its
     * caller has sent the request.
     */
    void open(String peer) {
        session.openStream(new OpenStream(tunnel.name(), peer), this).addListener((Future<TunnelStream> f) ->
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
                        write(data);
                    }
                    if (finishRequested) {
                        stream.finish();
                    }
                    if (writableTask != null) {
                        Runnable task = writableTask;
                        writableTask = null;
                        stream.whenWritable(task);
                    }
                }));
    }

    /** Encodes a request head or body part towards the local service. */
    void send(HttpObject message) {
        if (ended || !codec.isOpen()) {
            ReferenceCountUtil.release(message);
            return;
        }
        codec.writeOutbound(message);
        ByteBuf encoded;
        while ((encoded = codec.readOutbound()) != null) {
            write(encoded);
        }
    }

    /** Bytes of an upgraded connection, passed as they are. */
    void sendRaw(ByteBuf data) {
        if (ended) {
            data.release();
        } else {
            write(data);
        }
    }

    /** Runs {@code task} (on the session's loop) once the stream can take more bytes. */
    void whenWritable(Runnable task) {
        if (ended) {
            return;
        }
        if (stream == null) {
            writableTask = task;
        } else {
            stream.whenWritable(task);
        }
    }

    /** The listener has passed {@code bytes} of response data on to the public peer. */
    void consumed(int bytes) {
        if (stream != null && bytes > 0) {
            stream.consumed(bytes);
        }
    }

    /** No more requests: the local service sees end of input and closes, which ends the stream. */
    void finish() {
        if (ended || finishRequested) {
            return;
        }
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

    private void write(ByteBuf data) {
        tunnel.traffic().bytesIn(data.readableBytes());
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
            if (ended || !codec.isOpen()) {
                data.release();
                return;
            }
            int bytes = data.readableBytes();
            answered = true;
            tunnel.traffic().bytesOut(bytes);
            codec.writeInbound(data);
            listener.onResponse(this, drainInbound(), bytes);
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
            // A response delimited by the end of the connection is complete only now: closing the codec's channel
            // lets the decoder emit its last content.
            codec.close();
            List<Object> last = drainInbound();
            if (!last.isEmpty()) {
                listener.onResponse(this, last, 0);
            }
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

    private List<Object> drainInbound() {
        List<Object> messages = new ArrayList<>(2);
        Object message;
        while ((message = codec.readInbound()) != null) {
            messages.add(message);
        }
        return messages;
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
        writableTask = null;
        codec.finishAndReleaseAll();
    }

    private void onHome(Runnable task) {
        if (home.inEventLoop()) {
            task.run();
        } else {
            home.execute(task);
        }
    }
}
