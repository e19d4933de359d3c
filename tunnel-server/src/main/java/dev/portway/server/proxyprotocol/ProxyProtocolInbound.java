package dev.portway.server.proxyprotocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ServerChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * PROXY protocol (v1 and v2) on a public listener: the one place that decides whom to believe about a connection's
 * real peer. A connection from {@link TrustedProxies} must start with a PROXY header, and the addresses in it become
 * the connection's {@link PublicEndpoints}; any other connection that starts with a PROXY header is refused, so a
 * client cannot forge its address. A trusted connection without a valid header within {@link #HEADER_TIMEOUT} is
 * refused too: a front load balancer always sends one, and waiting for it is what lets services that speak first
 * work behind it.
 *
 * <p>Use: call {@link #install} from the listener's channel initializer (auto-read off or on), act on the connection
 * once the returned future completes (it fails when the connection was refused and closed), and read the addresses
 * with {@link #endpoints}. The handlers it adds go first in the pipeline and remove themselves once the header was
 * read or ruled out. Threading: the channel's event loop.
 */
public final class ProxyProtocolInbound {
    static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final String DECODER = "proxy-protocol-decoder";
    public static final String READER = "proxy-protocol-reader";
    public static final String SNIFFER = "proxy-protocol-sniffer";
    private static final AttributeKey<PublicEndpoints> ENDPOINTS = AttributeKey.valueOf("portway.publicEndpoints");

    /** How a refused connection is told: raw TCP listeners just close, HTTP listeners answer 400 first. */
    @FunctionalInterface
    public interface Refusal {
        /** Closes the connection {@code ctx} belongs to, after whatever the protocol says first. */
        void refuse(ChannelHandlerContext ctx);

        Refusal CLOSE = ChannelHandlerContext::close;

        Refusal HTTP_400 = ctx -> {
            ByteBuf response = Unpooled.copiedBuffer("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 25\r\nConnection: close\r\n\r\nunexpected PROXY header\r\n",
                    StandardCharsets.US_ASCII);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        };
    }

    private final TrustedProxies trusted;
    private final Refusal refusal;

    public ProxyProtocolInbound(TrustedProxies trusted, Refusal refusal) {
        this.trusted = trusted;
        this.refusal = refusal;
    }

    /**
     * Adds the handler that reads (trusted peer) or refuses (anyone else) a PROXY header at the front of
     * {@code ch}'s pipeline. Completes at once for an untrusted peer, whose bytes are checked as they pass; for a
     * trusted one, once its header has been read.
     */
    public Future<PublicEndpoints> install(Channel ch) {
        Promise<PublicEndpoints> resolved = ch.eventLoop().newPromise();
        String label = "peer=" + PublicEndpoints.format((InetSocketAddress) ch.remoteAddress());
        ChannelPipeline pipeline = ch.pipeline();
        if (trusted.trusts(ch.remoteAddress())) {
            pipeline.addFirst(READER, new ProxyHeaderReader(resolved, refusal, label));
            pipeline.addFirst(DECODER, new HAProxyMessageDecoder());
            ch.read();
        } else {
            pipeline.addFirst(SNIFFER, new ProxyHeaderSniffer(refusal, label));
            resolved.setSuccess(endpoints(ch));
        }
        return resolved;
    }

    /**
     * The connection's real peer and target: from its PROXY header when it had one, else the socket's own. A channel
     * within a connection (an HTTP/2 stream) has its connection's.
     */
    public static PublicEndpoints endpoints(Channel ch) {
        Channel connection = ch;
        while (connection.parent() != null && !(connection.parent() instanceof ServerChannel)) {
            connection = connection.parent();
        }
        PublicEndpoints fromHeader = connection.attr(ENDPOINTS).get();
        return fromHeader != null ? fromHeader : new PublicEndpoints((InetSocketAddress) connection.remoteAddress(),
                (InetSocketAddress) connection.localAddress());
    }

    static void endpoints(Channel ch, PublicEndpoints fromHeader) {
        ch.attr(ENDPOINTS).set(fromHeader);
    }
}
