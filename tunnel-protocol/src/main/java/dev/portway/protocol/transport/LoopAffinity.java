package dev.portway.protocol.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

/**
 * Moves a freshly accepted channel to the event loop of the tunnel connection that will carry its bytes. A relay
 * whose socket and carrier share one thread hands every chunk, credit and read request over by a plain call; on
 * two threads each of those is a task queued to the other loop and often a wake-up, which on the 2-core benchmark
 * machine doubled the context switches per byte relayed.
 *
 * <p>Call it from the channel's own event loop before any handler that reads is added (a
 * {@code ChannelInitializer}), with auto-read off: the channel is deregistered, registered with {@code target},
 * and the returned future completes on {@code target}'s thread, where the pipeline can then be set up. Netty
 * fires {@code channelActive} only on the first registration, so handlers added afterwards must check
 * {@code isActive()} themselves.
 */
public final class LoopAffinity {
    private LoopAffinity() {
    }

    /** Registers {@code channel} with {@code target}; completes at once when it already is there. */
    public static ChannelFuture moveTo(Channel channel, EventLoop target) {
        if (channel.eventLoop() == target) {
            return channel.newSucceededFuture();
        }
        ChannelPromise moved = channel.newPromise();
        channel.deregister().addListener(deregistered -> {
            if (deregistered.isSuccess()) {
                target.register(channel).addListener(registered -> complete(moved, registered));
            } else {
                complete(moved, deregistered);
            }
        });
        return moved;
    }

    private static void complete(ChannelPromise promise, Future<?> step) {
        if (step.isSuccess()) {
            promise.setSuccess();
        } else {
            promise.setFailure(step.cause());
        }
    }
}
