package dev.portway.server.tcp;

import dev.portway.server.plans.UserAccounts;
import dev.portway.server.config.LimitsConfig;
import dev.portway.monitor.TunnelTraffic;
import dev.portway.server.auth.Principal;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionTrafficTest {
    private static final Principal USER = new Principal("u", Principal.NOT_STORED, Principal.NOT_STORED);
    private static final UserAccounts.Account ACCOUNT = UserAccounts.serverLimitsOnly(LimitsConfig.DEFAULTS).account(USER);

    /** Live byte counts of one tunnel. */
    private static final class Counted implements TunnelTraffic {
        final AtomicLong in = new AtomicLong();
        final AtomicLong out = new AtomicLong();

        @Override
        public void bytesIn(long bytes) {
            in.addAndGet(bytes);
        }

        @Override
        public void bytesOut(long bytes) {
            out.addAndGet(bytes);
        }
    }

    @Test
    void bytesBeforeAMemberIsChosenAreHandedToItAndLaterOnesGoToWhoeverCarriesTheConnection() {
        ConnectionTraffic traffic = new ConnectionTraffic();
        EmbeddedChannel channel = new EmbeddedChannel(traffic.handler());
        Counted first = new Counted();
        Counted second = new Counted();

        channel.writeInbound(Unpooled.buffer().writeZero(100));
        traffic.carriedBy(new TunnelCounters(first, null, USER, ACCOUNT));
        channel.writeInbound(Unpooled.buffer().writeZero(20));
        channel.writeOutbound(Unpooled.buffer().writeZero(7));
        traffic.carriedBy(new TunnelCounters(second, null, USER, ACCOUNT));
        channel.writeInbound(Unpooled.buffer().writeZero(3));

        assertThat(first.in.get()).isEqualTo(120);
        assertThat(first.out.get()).isEqualTo(7);
        assertThat(second.in.get()).isEqualTo(3);
        assertThat(second.out.get()).isZero();
        assertThat(channel.finishAndReleaseAll()).isTrue();
    }
}
