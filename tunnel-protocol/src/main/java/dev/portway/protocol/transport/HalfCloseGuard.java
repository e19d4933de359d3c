package dev.portway.protocol.transport;

import io.netty.channel.Channel;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Keeps a half-closed epoll socket able to write.
 *
 * <p>Netty 4.2's epoll transport (4.2.18, the version pinned) removes a
 * socket from its epoll set when the socket's interest becomes empty, and later re-arms write interest with
 * {@code EPOLL_CTL_MOD}, which fails with ENOENT on a descriptor no longer in the set. A socket gets there after
 * its peer half-closed (read interest and RDHUP dropped) once its output buffer has drained (write interest
 * dropped): the next write that meets a full send buffer fails, Netty shuts the output down and discards every
 * byte still queued, and the peer reads a clean end of stream after a truncated transfer.
 *
 * <p>Adding EPOLLERR to the interest set keeps it non-empty, so the descriptor stays registered until it is
 * closed. epoll reports EPOLLERR (and EPOLLHUP) whether asked for or not, so no event changes. The one cost Netty
 * avoided by dropping the descriptor is repeated EPOLLHUP wake-ups for a socket shut down both ways but left
 * open; every user of this guard closes such a socket at once. Under NIO this does nothing.
 *
 * <p>Threading: call on the channel's event loop, or before it is registered.
 */
public final class HalfCloseGuard {
    private static final Logger log = LoggerFactory.getLogger(HalfCloseGuard.class);
    private static final MethodHandle SET_FLAG = findSetFlag();

    private HalfCloseGuard() {
    }

    /** Applies the guard to {@code channel} if it is an epoll stream socket. */
    public static void apply(Channel channel) {
        if (SET_FLAG == null || !(channel instanceof AbstractEpollStreamChannel)) {
            return;
        }
        try {
            SET_FLAG.invoke(channel, Native.EPOLLERR);
        } catch (Throwable e) {
            // The descriptor may already be closed; the channel reports that itself.
            log.debug("cannot keep {} registered: {}", channel, e.toString());
        }
    }

    /** Whether the guard is active in this process: epoll in use and the hook found. */
    public static boolean active() {
        return SET_FLAG != null;
    }

    private static MethodHandle findSetFlag() {
        if (!Epoll.isAvailable()) {
            return null;
        }
        try {
            Class<?> owner = Class.forName("io.netty.channel.epoll.AbstractEpollChannel");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(owner, MethodHandles.lookup());
            return lookup.findVirtual(owner, "setFlag", MethodType.methodType(void.class, int.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("epoll half-close guard unavailable ({}); a half-closed connection may lose bytes", e.toString());
            return null;
        }
    }
}
