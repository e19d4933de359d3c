package dev.portway.server.limits;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class SourceCounterTest {
    private final SourceCounter counter = new SourceCounter(2);
    private final InetAddress a = InetAddress.getLoopbackAddress();

    @Test
    void refusesPastTheCeilingAndTakesAgainOnceAUnitIsBack() throws Exception {
        SourceCounter.Ticket first = counter.tryAcquire(a);
        assertThat(counter.tryAcquire(a)).isNotNull();
        assertThat(counter.tryAcquire(a)).isNull();
        assertThat(counter.tryAcquire(InetAddress.getByName("127.0.0.2"))).as("another address").isNotNull();
        first.release();
        assertThat(counter.tryAcquire(a)).isNotNull();
    }

    @Test
    void aTicketGivenBackTwiceCountsOnceAndAnIdleAddressLeavesNoEntry() {
        SourceCounter.Ticket ticket = counter.tryAcquire(a);
        ticket.release();
        ticket.release();
        assertThat(counter.held(a)).isZero();
        counter.tryAcquire(a);
        counter.tryAcquire(a);
        assertThat(counter.tryAcquire(a)).isNull();
    }
}
