package dev.portway.benchmarks.load;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;

/**
 * A TCP echo server on 127.0.0.1: the local target of the connection cases. Threading: each connection on its
 * event loop; reference counting: the received buffer is written back, which releases it.
 */
final class EchoServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel listener;

    EchoServer(int port, int threads) throws InterruptedException {
        group = Netty.group(threads, "echo");
        listener = Netty.listen(group, port, Echo::new);
    }

    int port() {
        return ((java.net.InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
