package dev.portway.server.http;

import io.netty.channel.Channel;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class ServedLoopGroupTest {
    private final EventLoopGroup workers = new DefaultEventLoopGroup(3);
    private final ServedLoopGroup loops = new ServedLoopGroup(workers);

    @AfterEach
    void stop() {
        workers.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private EventLoop registered() {
        Channel channel = new LocalChannel();
        loops.register(channel).syncUninterruptibly();
        EventLoop loop = channel.eventLoop();
        channel.close().syncUninterruptibly();
        return loop;
    }

    @Test
    void connectionsTakeTurnsUntilACarrierHasServedThenJoinItsLoop() {
        Set<EventLoop> before = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            before.add(registered());
        }
        assertThat(before).hasSize(3);

        EventLoop carrier = workers.next();
        loops.served(carrier);
        for (int i = 0; i < 6; i++) {
            assertThat(registered()).isSameAs(carrier);
        }

        EventLoop other = workers.next();
        loops.served(other);
        assertThat(registered()).isSameAs(other);
    }

    @Test
    void aLoopThatIsShuttingDownIsPassedOver() {
        DefaultEventLoopGroup elsewhere = new DefaultEventLoopGroup(1);
        EventLoop dying = elsewhere.next();
        loops.served(dying);
        elsewhere.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        EventLoop loop = registered();
        assertThat(loop).isNotSameAs(dying);
        assertThat(loop.parent()).isSameAs(workers);
    }
}
