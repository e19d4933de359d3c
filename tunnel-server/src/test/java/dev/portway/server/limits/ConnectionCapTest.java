package dev.portway.server.limits;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionCapTest {
    @Test
    void placesAreTakenUpToTheMaxAndGivenBackOnce() {
        ConnectionCap cap = ConnectionCap.of(2);
        ConnectionCap.Ticket first = cap.tryAcquire();
        ConnectionCap.Ticket second = cap.tryAcquire();
        assertThat(cap.tryAcquire()).isNull();
        assertThat(cap.hasRoom()).isFalse();
        first.release();
        first.release();
        assertThat(cap.held()).isEqualTo(1);
        assertThat(cap.tryAcquire()).isNotNull();
        second.release();
        assertThat(cap.held()).isEqualTo(1);
    }

    @Test
    void noLimitCostsNothing() {
        assertThat(ConnectionCap.of(0)).isSameAs(ConnectionCap.NONE);
        for (int i = 0; i < 1000; i++) {
            assertThat(ConnectionCap.NONE.tryAcquire()).isNotNull();
        }
        assertThat(ConnectionCap.NONE.held()).isZero();
    }
}
