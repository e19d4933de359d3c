package dev.portway.server.limits;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * The per-address ceilings of one listener: connections open to it and, where the listener has a handshake to
 * finish (the control listener's TLS, HELLO and AUTH), handshakes in progress. A connection over a ceiling is reset
 * as soon as it is accepted, before TLS or any byte is read, so it costs one accept.
 *
 * <p>Threading: {@link #guard}'s initializer runs on each connection's event loop; the counters are thread-safe.
 * Closing: a connection gives its units back when it closes, the handshake unit earlier through
 * {@link #handshakeDone}.
 */
public final class SourceLimits {
    private static final Logger log = LoggerFactory.getLogger(SourceLimits.class);
    private static final AttributeKey<SourceCounter.Ticket> HANDSHAKE = AttributeKey.valueOf("portway.handshake");

    private final String listener;
    private final SourceCounter connections;
    private final SourceCounter handshakes;
    private final Consumer<InetAddress> onRefused;

    /**
     * @param handshakesPerSource 0 for a listener without a handshake to bound
     * @param onRefused           counts a refusal; any thread
     */
    public SourceLimits(String listener, int connectionsPerSource, int handshakesPerSource,
                        Consumer<InetAddress> onRefused) {
        this.listener = listener;
        this.connections = new SourceCounter(connectionsPerSource);
        this.handshakes = handshakesPerSource > 0 ? new SourceCounter(handshakesPerSource) : null;
        this.onRefused = onRefused;
    }

    /**
     * The ceilings from now on ({@code limits} reloaded): connections beyond a lowered ceiling stay open, new ones
     * are refused until the address is below it again.
     */
    public void resize(int connectionsPerSource, int handshakesPerSource) {
        connections.setMax(connectionsPerSource);
        if (handshakes != null) {
            handshakes.setMax(handshakesPerSource);
        }
    }

    /** The child handler to give the listener: admits a connection, then hands it to {@code pipeline}. */
    public ChannelHandler guard(ChannelHandler pipeline) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (admit(ch, ((InetSocketAddress) ch.remoteAddress()).getAddress())) {
                    ch.pipeline().addLast(pipeline);
                }
            }
        };
    }

    /** The connection finished its handshake: it no longer counts against the handshake ceiling. */
    public static void handshakeDone(Channel ch) {
        SourceCounter.Ticket handshake = ch.attr(HANDSHAKE).getAndSet(null);
        if (handshake != null) {
            handshake.release();
        }
    }

    /** Connections {@code source} holds open to this listener. */
    public int connections(InetAddress source) {
        return connections.held(source);
    }

    /**
     * Counts {@code ch} against {@code source}'s ceilings until it closes, or resets it when one is reached.
     *
     * @return whether the connection was admitted
     */
    public boolean admit(Channel ch, InetAddress source) {
        SourceCounter.Ticket connection = connections.tryAcquire(source);
        if (connection == null) {
            return refuse(ch, source, "connectionsPerSource", connections.max());
        }
        ch.closeFuture().addListener(closed -> connection.release());
        if (handshakes != null) {
            SourceCounter.Ticket handshake = handshakes.tryAcquire(source);
            if (handshake == null) {
                return refuse(ch, source, "handshakesPerSource", handshakes.max());
            }
            ch.attr(HANDSHAKE).set(handshake);
            ch.closeFuture().addListener(closed -> handshake.release());
        }
        return true;
    }

    private boolean refuse(Channel ch, InetAddress source, String limit, int max) {
        // DEBUG: a flood would otherwise write a line per connection; the refusal meter counts them.
        log.debug("[peer={}] {} connection refused: limits.{} ({}) reached", source.getHostAddress(), listener,
                limit, max);
        onRefused.accept(source);
        ch.config().setOption(ChannelOption.SO_LINGER, 0);
        ch.close();
        return false;
    }
}
