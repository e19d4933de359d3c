package dev.portway.protocol.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * A TCP socket on an {@link EmbeddedChannel} whose remote peer is the test: the peer's bytes wait in a "receive
 * buffer" until the handler asks for a read (auto-read is off in a relay), its half-close arrives as the end of
 * input after them, and what the handler writes is what the peer receives, up to the moment the socket ends. How it
 * ends is recorded as the peer would see it: FIN (output shut down, or closed without SO_LINGER 0) or RST.
 *
 * <p>Single-threaded, like everything on an embedded event loop. Reference counting: bytes read from the handler's
 * writes are copied and released as a real socket would.
 */
final class FakeSocket extends EmbeddedChannel implements DuplexChannel {
    private final ByteArrayOutputStream sentByPeer = new ByteArrayOutputStream();
    private final ByteArrayOutputStream receivedByPeer = new ByteArrayOutputStream();
    /** Set lazily: EmbeddedChannel's constructor asks for the config before this class's fields are assigned. */
    private SocketConfig config;
    private int unread;
    private boolean readRequested;
    private boolean peerHalfClosed;
    private boolean peerReset;
    private boolean inputShutdown;
    private boolean outputShutdown;
    private boolean stalled;
    private boolean closedAbortively;
    private boolean closedGracefully;
    private boolean wroteAfterShutdown;
    private boolean connected;

    /**
     * @param connected whether the socket is connected already, as an accepted one is; otherwise it is registered
     *                  and connecting, as a dialled one is when its handler is added, until {@link #connect}
     */
    FakeSocket(ByteBufAllocator alloc, boolean connected) {
        this.connected = connected;
        config().setAllocator(alloc);
        // Registration saw the socket inactive (this field was not set yet), so no read was asked for: a relay decides.
        config().setAutoRead(false);
    }

    // ---- what the remote peer does ----

    /** The connection is established: the handler learns it from channelActive. */
    void connect() {
        if (!connected && isOpen()) {
            connected = true;
            pipeline().fireChannelActive();
        }
    }

    /**
     * The peer writes {@code count} more bytes; they wait until the handler reads. Each byte depends on its offset in
     * the whole stream, so a lost, repeated or reordered chunk shows. Ignored once the peer stopped sending.
     */
    void peerSends(int count) {
        if (!peerHalfClosed && !peerReset && isActive()) {
            for (int i = 0, offset = sentByPeer.size(); i < count; i++, offset++) {
                sentByPeer.write(offset * 131 + (offset >>> 9));
            }
            unread += count;
        }
    }

    void peerHalfCloses() {
        if (!peerReset && isActive()) {
            peerHalfClosed = true;
        }
    }

    /** The peer aborts: unread bytes are gone and the handler learns of it as an I/O error, as from a real socket. */
    boolean peerResets() {
        if (peerReset || !isActive()) {
            return false;
        }
        peerReset = true;
        unread = 0;
        pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        return true;
    }

    /** Serves a read the handler asked for with up to {@code maxChunk} bytes, then the end of input if it is next. */
    void serveRead(int maxChunk, boolean endOfInputInSameRead) {
        if (!canRead()) {
            return;
        }
        readRequested = false;
        if (unread > 0) {
            deliver(Math.min(maxChunk, unread));
            pipeline().fireChannelReadComplete();
            if (!endOfInputInSameRead) {
                return;
            }
        }
        if (unread == 0 && peerHalfClosed) {
            endOfInput();
        }
    }

    /**
     * What the epoll transport does to a socket whose peer half-closed: reads everything and the end of input
     * whether or not the handler asked.
     */
    void drainHalfClosed() {
        if (!peerHalfClosed || inputShutdown || !isActive()) {
            return;
        }
        while (unread > 0) {
            deliver(Math.min(64 * 1024, unread));
        }
        pipeline().fireChannelReadComplete();
        endOfInput();
    }

    /** A slow reader: the handler's writes stay queued in the socket until {@link #stall} is lifted. */
    void stall(boolean stalled) {
        this.stalled = stalled;
        if (!stalled && isOpen()) {
            flush();
        }
    }

    private void deliver(int length) {
        byte[] all = sentByPeer.toByteArray();
        int from = all.length - unread;
        ByteBuf chunk = alloc().buffer(length).writeBytes(all, from, length);
        unread -= length;
        pipeline().fireChannelRead(chunk);
    }

    private void endOfInput() {
        inputShutdown = true;
        pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    }

    // ---- what the peer saw ----

    byte[] sentByPeer() {
        return sentByPeer.toByteArray();
    }

    byte[] receivedByPeer() {
        return receivedByPeer.toByteArray();
    }

    boolean peerHalfClosed() {
        return peerHalfClosed;
    }

    boolean peerReset() {
        return peerReset;
    }

    /** The peer read a clean end of stream: the output was shut down, or the socket closed without SO_LINGER 0. */
    boolean peerSawFin() {
        return outputShutdown || closedGracefully;
    }

    /** The socket was closed with SO_LINGER 0 before any FIN. */
    boolean peerSawRst() {
        return closedAbortively && !outputShutdown;
    }

    /** The handler asked for a read that the peer's bytes or half-close can answer. */
    boolean canRead() {
        return readRequested && isActive() && !inputShutdown && (unread > 0 || peerHalfClosed);
    }

    boolean closedAbortively() {
        return closedAbortively;
    }

    boolean wroteAfterShutdown() {
        return wroteAfterShutdown;
    }

    // ---- the channel ----

    @Override
    public ChannelConfig config() {
        if (config == null) {
            config = new SocketConfig(this);
        }
        return config;
    }

    @Override
    public boolean isActive() {
        return connected && super.isActive();
    }

    @Override
    protected void doBeginRead() {
        readRequested = true;
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        if (stalled) {
            return;
        }
        for (Object msg; (msg = in.current()) != null; in.remove()) {
            if (msg instanceof ByteBuf buf && buf.isReadable()) {
                wroteAfterShutdown |= outputShutdown;
                receivedByPeer.writeBytes(ByteBufUtil.getBytes(buf));
            }
        }
    }

    @Override
    protected void doClose() throws Exception {
        if (isOpen()) {
            boolean abort = Integer.valueOf(0).equals(config().getOption(ChannelOption.SO_LINGER));
            closedAbortively = abort;
            closedGracefully = !abort;
        }
        super.doClose();
    }

    @Override
    public boolean isInputShutdown() {
        return inputShutdown;
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        inputShutdown = true;
        return promise.setSuccess();
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShutdown;
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        if (!isOpen()) {
            return promise.setFailure(new IOException("socket closed"));
        }
        outputShutdown = true;
        return promise.setSuccess();
    }

    @Override
    public boolean isShutdown() {
        return inputShutdown && outputShutdown;
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        inputShutdown = true;
        return shutdownOutput(promise);
    }

    /** Keeps the two socket options a relay sets, which the embedded channel's config would ignore. */
    private static final class SocketConfig extends DefaultChannelConfig {
        private Integer linger = -1;
        private boolean allowHalfClosure;

        SocketConfig(FakeSocket channel) {
            super(channel);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getOption(ChannelOption<T> option) {
            if (option == ChannelOption.SO_LINGER) {
                return (T) linger;
            }
            if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
                return (T) Boolean.valueOf(allowHalfClosure);
            }
            return super.getOption(option);
        }

        @Override
        public <T> boolean setOption(ChannelOption<T> option, T value) {
            if (option == ChannelOption.SO_LINGER) {
                linger = (Integer) value;
                return true;
            }
            if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
                allowHalfClosure = (Boolean) value;
                return true;
            }
            return super.setOption(option, value);
        }
    }
}
