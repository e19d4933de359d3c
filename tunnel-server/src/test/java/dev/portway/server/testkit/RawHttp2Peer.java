package dev.portway.server.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Headers;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * A hostile HTTP/2 peer: writes whatever frames a test asks for, in cleartext with prior knowledge, with no flow
 * control or limits of its own, and reads what the server answers frame by frame. Header blocks are HPACK-encoded by
 * Netty's encoder, so they are valid unless a test makes them otherwise.
 */
public final class RawHttp2Peer implements AutoCloseable {
    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int CONTINUATION = 0x9;
    public static final int END_STREAM = 0x1;
    public static final int END_HEADERS = 0x4;

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false, 1L << 20);

    /** One frame as read. */
    public record Frame(int type, int flags, int stream, byte[] payload) {
        public long errorCode() {
            ByteBuffer b = ByteBuffer.wrap(payload);
            return Integer.toUnsignedLong(type == GOAWAY ? b.getInt(4) : b.getInt(0));
        }
    }

    /** What the server did until it sent GOAWAY or closed: each stream's status or reset code, and the GOAWAY's. */
    public record Outcome(Long goAway, Map<Integer, String> statuses, Map<Integer, Long> resets, boolean closed) {
    }

    /**
     * Connects and sends the connection preface with empty SETTINGS.
     *
     * @param receiveBuffer SO_RCVBUF before connecting, small for a peer that means not to read; 0: the default
     */
    public RawHttp2Peer(int port, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(20_000);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        ByteBuf preface = Http2CodecUtil.connectionPrefaceBuf();
        byte[] bytes = new byte[preface.readableBytes()];
        preface.readBytes(bytes);
        preface.release();
        out.write(bytes);
        frame(SETTINGS, 0, 0, new byte[0]);
    }

    /** A GET request's header block for {@code authority} and {@code path}, plus {@code extra} fields. */
    public static Http2Headers get(String authority, String path, Map<String, String> extra) {
        Http2Headers headers = new DefaultHttp2Headers().method("GET").scheme("http").authority(authority).path(path);
        extra.forEach(headers::add);
        return headers;
    }

    /** The HPACK encoding of {@code headers}, in this connection's encoder state. */
    public byte[] block(int stream, Http2Headers headers) throws Exception {
        ByteBuf buf = Unpooled.buffer();
        try {
            encoder.encodeHeaders(stream, headers, buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    /** A HEADERS frame with the whole block. */
    public void headers(int stream, Http2Headers headers, boolean endStream) throws Exception {
        frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, block(stream, headers));
    }

    public void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(encode(type, flags, stream, payload));
    }

    /** The bytes of a frame, for a test that writes many at once. */
    public static byte[] encode(int type, int flags, int stream, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
        frame.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
        frame.put((byte) type).put((byte) flags).putInt(stream).put(payload);
        return frame.array();
    }

    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    public static byte[] rstStream(long errorCode) {
        return ByteBuffer.allocate(4).putInt((int) errorCode).array();
    }

    /** The next frame; null at the end of the connection (FIN or reset). */
    public Frame read() throws IOException {
        try {
            int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int stream = in.readInt() & 0x7fffffff;
            byte[] payload = new byte[length];
            in.readFully(payload);
            return new Frame(type, flags, stream, payload);
        } catch (EOFException | SocketException e) {
            return null;
        }
    }

    /** Reads until the server sends GOAWAY or the connection ends, or {@code streams} streams have ended. */
    public Outcome readOutcome(int streams) throws Exception {
        Map<Integer, String> statuses = new HashMap<>();
        Map<Integer, Long> resets = new HashMap<>();
        Frame frame;
        while ((frame = read()) != null) {
            switch (frame.type()) {
                case HEADERS -> {
                    Http2Headers headers = decoder.decodeHeaders(frame.stream(), Unpooled.wrappedBuffer(frame.payload()));
                    if (headers.status() != null) {
                        statuses.putIfAbsent(frame.stream(), headers.status().toString());
                    }
                }
                case RST_STREAM -> resets.put(frame.stream(), frame.errorCode());
                case GOAWAY -> {
                    return new Outcome(frame.errorCode(), statuses, resets, false);
                }
                default -> {
                    // DATA, SETTINGS, PING acks, WINDOW_UPDATE: nothing to judge
                }
            }
            if (statuses.size() + resets.size() >= streams) {
                return new Outcome(null, statuses, resets, false);
            }
        }
        return new Outcome(null, statuses, resets, true);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
