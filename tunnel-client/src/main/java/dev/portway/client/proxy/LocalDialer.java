package dev.portway.client.proxy;

import dev.portway.client.config.ProxyProtocolVersion;
import dev.portway.client.inspect.ExchangeObserver;
import dev.portway.client.inspect.InspectHandler;
import dev.portway.client.inspect.InspectLog;
import dev.portway.monitor.TunnelTraffic;
import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.mux.TunnelStream;
import dev.portway.protocol.relay.ByteCountingHandler;
import dev.portway.protocol.relay.Bandwidth;
import dev.portway.protocol.relay.StreamRelay;
import dev.portway.protocol.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Connects a stream the server opened to the tunnel's local target. The local socket lives on the session's event
 * loop, so bytes cross between the two without changing threads. The target comes from client.yaml, never from
 * the server. Pipeline of a local connection: a byte counter (bytes written to the local service count as
 * {@code in}, bytes read from it as {@code out}, as on the server), then the relay; a tunnel with
 * {@code proxyProtocol} adds Netty's PROXY header encoder in front and {@link ProxyHeaderWriter} before the relay; an
 * http tunnel of a client with the inspector on has an {@link InspectHandler} just in front of the relay.
 */
public final class LocalDialer {
    private static final Logger log = LoggerFactory.getLogger(LocalDialer.class);

    private final Transport transport;
    private final Duration dialTimeout;

    public LocalDialer(Transport transport, Duration dialTimeout) {
        this.transport = transport;
        this.dialTimeout = dialTimeout;
    }

    /**
     * Starts dialing and returns the relay that receives the stream's bytes meanwhile.
     *
     * @param proxyProtocol the PROXY header to write before the relayed bytes; null for none
     * @param bandwidth     the tunnel's shared bandwidth limit; null for none
     * @param inspect       where the exchanges of an http tunnel are recorded; null: not recorded
     */
    public StreamRelay dial(TunnelStream stream, String tunnel, HostPort target, EventLoop loop, TunnelTraffic traffic,
                            ProxyProtocolVersion proxyProtocol, Bandwidth bandwidth, InspectLog inspect) {
        String label = "tunnel=" + tunnel + " stream=" + stream.id() + " peer=" + stream.open().peer();
        StreamRelay relay = new StreamRelay(loop, label);
        relay.attachStream(stream);
        // Not while the loop handles its current batch of epoll events (this runs inside the carrier's read): Netty
        // 4.2.18 dispatches that batch by descriptor number, and a socket closed earlier in it (a stream reset in the
        // same read) leaves its descriptor to the socket created here, which then gets the closed socket's pending
        // events while it connects. An EPOLLRDHUP makes Netty mark its input shut down, so the relay would send FIN
        // before the first byte and the public peer read a clean, empty end; an EPOLLIN makes it read before
        // connecting, and a live service would be reported unreachable. A task runs after the batch, when no stale
        // event is left; a stream reset meanwhile needs no socket at all.
        loop.execute(() -> {
            if (!stream.closeFuture().isDone()) {
                connect(stream, target, loop, traffic, proxyProtocol, bandwidth, inspect, relay, label);
            }
        });
        return relay;
    }

    private void connect(TunnelStream stream, HostPort target, EventLoop loop, TunnelTraffic traffic,
                         ProxyProtocolVersion proxyProtocol, Bandwidth bandwidth, InspectLog inspect,
                         StreamRelay relay, String label) {
        new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) dialTimeout.toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ProxyHeaderWriter header = proxyProtocol == null ? null
                                : ProxyHeaderWriter.forStream(proxyProtocol, stream.open());
                        if (header != null) {
                            // Ahead of the byte counter, which then sees a message rather than bytes: the header
                            // is not the service's traffic.
                            ch.pipeline().addLast(HAProxyMessageEncoder.INSTANCE);
                        }
                        ch.pipeline().addLast(new ByteCountingHandler(traffic::bytesOut, traffic::bytesIn));
                        if (header != null) {
                            ch.pipeline().addLast(header);
                        }
                        if (bandwidth != null) {
                            // Behind the counter: the meters show what crossed the socket, when it did.
                            ch.pipeline().addLast(bandwidth.throttle());
                        }
                        if (inspect != null) {
                            ch.pipeline().addLast(new InspectHandler(new ExchangeObserver(inspect, stream.open().tunnel(),
                                    stream.open().peer(), 0)));
                        }
                        ch.pipeline().addLast(relay);
                    }
                })
                .connect(target.host(), target.port())
                .addListener(f -> {
                    if (!f.isSuccess() && stream.closeFuture().isDone()) {
                        // The stream was reset while connecting (its public peer left), and the relay closed the
                        // socket: nothing is wrong with the local service.
                        log.debug("[{}] stream ended before the local connection was made", label);
                    } else if (!f.isSuccess()) {
                        String reason = "local service " + target + " unavailable: " + f.cause();
                        log.warn("[{}] {}", label, reason);
                        // A socket that never connected never goes inactive, and a stream reset from this side
                        // does not call its handler: the relay is told here, so the bytes it queued are released.
                        relay.onReset(stream, ErrorCode.CONNECT_FAILED, reason);
                        stream.reset(ErrorCode.CONNECT_FAILED, reason);
                    }
                });
    }
}
