package dev.portway.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.AbstractEventExecutorGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;

import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The event loops of the public web listeners: each accepted connection is registered on the loop of the client
 * connection (carrier) that last took an http tunnel or a request, rather than on the next loop in turn. Which
 * tunnel a connection wants is known only from its requests, after it is registered, and a connection served on
 * another loop than its carrier's pays two task hand-overs per request (the request to the carrier, the answer
 * back). With one client, the usual case, every connection then shares its carrier's loop; with many, connections
 * follow the traffic from loop to loop. Any loop is correct: this only saves the hand-overs.
 *
 * <p>Threading: any thread. Only registration is steered; everything else is the delegate's.
 */
public final class ServedLoopGroup extends AbstractEventExecutorGroup implements EventLoopGroup {
    private final EventLoopGroup delegate;
    private volatile EventLoop preferred;

    public ServedLoopGroup(EventLoopGroup delegate) {
        this.delegate = delegate;
    }

    /** A carrier on {@code loop} took an http tunnel or a request: new connections go there. */
    void served(EventLoop loop) {
        if (preferred != loop) {
            preferred = loop;
        }
    }

    @Override
    public EventLoop next() {
        EventLoop loop = preferred;
        return loop != null && !loop.isShuttingDown() ? loop : delegate.next();
    }

    @Override
    public ChannelFuture register(Channel channel) {
        return next().register(channel);
    }

    @Override
    public ChannelFuture register(ChannelPromise promise) {
        return next().register(promise);
    }

    @Deprecated
    @Override
    public ChannelFuture register(Channel channel, ChannelPromise promise) {
        return next().register(channel, promise);
    }

    @Override
    public Iterator<EventExecutor> iterator() {
        return delegate.iterator();
    }

    @Override
    public boolean isShuttingDown() {
        return delegate.isShuttingDown();
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        return delegate.shutdownGracefully(quietPeriod, timeout, unit);
    }

    @Override
    public Future<?> terminationFuture() {
        return delegate.terminationFuture();
    }

    @Deprecated
    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    @Override
    public boolean isShutdown() {
        return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return delegate.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return delegate.awaitTermination(timeout, unit);
    }
}
