package dev.portway.server.cluster.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The first bytes of a node-to-node link, after TLS and before any frame: both nodes name themselves and prove they
 * know the cluster's secret ({@link LinkProof}). Three lines:
 * <pre>
 * dialer   → PORTWAY-LINK 1 &lt;dialer name&gt; &lt;dialer nonce&gt;
 * acceptor → PORTWAY-LINK 1 &lt;acceptor name&gt; &lt;acceptor nonce&gt; &lt;acceptor proof&gt;
 * dialer   → &lt;dialer proof&gt;
 * </pre>
 * Then each side hands the connection to {@code established}, which installs the multiplexer; bytes that followed the
 * last line (the dialer's HELLO) pass on to it. A line longer than {@link #MAX_LINE}, a wrong proof, an unexpected
 * name or silence past the deadline closes the connection and nothing else.
 *
 * <p>Pipeline: after TLS, {@link #LINES} (a line decoder) then this handler; both remove themselves on success.
 * Threading: the channel's event loop.
 */
final class LinkHandshake extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(LinkHandshake.class);
    static final String LINES = "link-lines";
    static final String NAME = "link-handshake";
    static final int MAX_LINE = 512;
    private static final String MAGIC = "PORTWAY-LINK 1 ";
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,63}");

    private final LinkProof.Role role;
    private final LinkProof proof;
    private final String self;
    /** The node the dialer meant to reach; null on the accepting side, which takes any node that proves the secret. */
    private final String expectedPeer;
    private final Duration deadline;
    private final BiConsumer<Channel, String> established;
    private final Consumer<Throwable> failed;
    private ScheduledFuture<?> timeout;
    private String dialerNonce;
    private String acceptorNonce;
    private String peerName;
    private boolean done;

    /**
     * @param established told, on success, the channel and the peer node's name; it adds the frame codec and the
     *                    session at the pipeline's end, before the line decoder passes on what it holds
     * @param failed      told why the handshake failed, once, as the connection closes
     */
    LinkHandshake(LinkProof.Role role, LinkProof proof, String self, String expectedPeer, Duration deadline,
                  BiConsumer<Channel, String> established, Consumer<Throwable> failed) {
        this.role = role;
        this.proof = proof;
        this.self = self;
        this.expectedPeer = expectedPeer;
        this.deadline = deadline;
        this.established = established;
        this.failed = failed;
    }

    static LineBasedFrameDecoder lines() {
        return new LineBasedFrameDecoder(MAX_LINE, true, true);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> fail(ctx, "no link handshake within " + deadline.toMillis() + " ms"),
                deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent tls) {
            if (!tls.isSuccess()) {
                fail(ctx, "TLS: " + tls.cause().getMessage());
                return;
            }
            if (role == LinkProof.Role.DIALER) {
                dialerNonce = LinkProof.nonce();
                send(ctx, MAGIC + self + " " + dialerNonce);
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        String line;
        try {
            line = ((ByteBuf) msg).toString(StandardCharsets.US_ASCII);
        } finally {
            ReferenceCountUtil.release(msg);
        }
        if (done) {
            return;
        }
        try {
            if (role == LinkProof.Role.ACCEPTOR) {
                acceptorRead(ctx, line);
            } else {
                dialerRead(ctx, line);
            }
        } catch (LinkRefusedException e) {
            fail(ctx, e.getMessage());
        }
    }

    private void acceptorRead(ChannelHandlerContext ctx, String line) throws LinkRefusedException {
        if (dialerNonce == null) {
            String[] words = words(line, 2);
            peerName = name(words[0]);
            dialerNonce = nonce(words[1]);
            acceptorNonce = LinkProof.nonce();
            send(ctx, MAGIC + self + " " + acceptorNonce + " "
                    + proof.proof(LinkProof.Role.ACCEPTOR, self, dialerNonce, acceptorNonce, certificate(ctx)));
            return;
        }
        String expected = proof.proof(LinkProof.Role.DIALER, peerName, dialerNonce, acceptorNonce, certificate(ctx));
        if (!proof.matches(expected, line)) {
            throw new LinkRefusedException("node " + peerName + " does not know the cluster secret");
        }
        succeed(ctx);
    }

    private void dialerRead(ChannelHandlerContext ctx, String line) throws LinkRefusedException {
        if (dialerNonce == null) {
            throw new LinkRefusedException("the accepting node spoke before the dialer");
        }
        String[] words = words(line, 3);
        peerName = name(words[0]);
        if (expectedPeer != null && !expectedPeer.equals(peerName)) {
            throw new LinkRefusedException("dialled node " + expectedPeer + " but " + peerName + " answered");
        }
        acceptorNonce = nonce(words[1]);
        byte[] certificate = certificate(ctx);
        if (!proof.matches(proof.proof(LinkProof.Role.ACCEPTOR, peerName, dialerNonce, acceptorNonce, certificate),
                words[2])) {
            throw new LinkRefusedException("node " + peerName + " does not know the cluster secret");
        }
        send(ctx, proof.proof(LinkProof.Role.DIALER, self, dialerNonce, acceptorNonce, certificate));
        succeed(ctx);
    }

    private static String[] words(String line, int count) throws LinkRefusedException {
        if (!line.startsWith(MAGIC)) {
            throw new LinkRefusedException("not a Portway node link");
        }
        String[] words = line.substring(MAGIC.length()).split(" ", -1);
        if (words.length != count) {
            throw new LinkRefusedException("malformed link handshake line");
        }
        return words;
    }

    private static String name(String name) throws LinkRefusedException {
        if (!NODE_NAME.matcher(name).matches()) {
            throw new LinkRefusedException("malformed node name in the link handshake");
        }
        return name;
    }

    private static String nonce(String nonce) throws LinkRefusedException {
        if (!LinkProof.wellFormedNonce(nonce)) {
            throw new LinkRefusedException("malformed nonce in the link handshake");
        }
        return nonce;
    }

    /** The accepting node's certificate: its own on that side, the peer's on the dialing side. */
    private byte[] certificate(ChannelHandlerContext ctx) throws LinkRefusedException {
        SSLSession session = ctx.pipeline().get(SslHandler.class).engine().getSession();
        try {
            Certificate[] chain = role == LinkProof.Role.ACCEPTOR ? session.getLocalCertificates()
                    : session.getPeerCertificates();
            if (chain == null || chain.length == 0) {
                throw new LinkRefusedException("the link's TLS session has no certificate");
            }
            return chain[0].getEncoded();
        } catch (SSLPeerUnverifiedException | CertificateEncodingException e) {
            throw new LinkRefusedException("the link's TLS certificate cannot be read: " + e.getMessage());
        }
    }

    private static void send(ChannelHandlerContext ctx, String line) {
        ctx.writeAndFlush(ctx.alloc().buffer(line.length() + 1).writeBytes((line + "\n")
                .getBytes(StandardCharsets.US_ASCII)));
    }

    private void succeed(ChannelHandlerContext ctx) {
        done = true;
        timeout.cancel(false);
        ctx.pipeline().remove(this);
        established.accept(ctx.channel(), peerName);
        // Last: the decoder passes on what it holds beyond the last line, which the session must be there to read.
        ctx.pipeline().remove(LINES);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause instanceof TooLongFrameException ? "a link handshake line over " + MAX_LINE + " bytes"
                : cause.toString());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(ctx, "the connection closed during the link handshake");
        ctx.fireChannelInactive();
    }

    private void fail(ChannelHandlerContext ctx, String reason) {
        if (done) {
            return;
        }
        done = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        log.warn("node link refused peer={} node={}: {}", ctx.channel().remoteAddress(),
                peerName == null ? "?" : peerName, reason);
        failed.accept(new LinkRefusedException(reason));
        ctx.close();
    }
}
