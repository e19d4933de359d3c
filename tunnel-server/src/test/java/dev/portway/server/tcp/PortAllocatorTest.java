package dev.portway.server.tcp;

import dev.portway.protocol.config.PortRanges;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PortAllocatorTest {
    private final PortAllocator ports = new PortAllocator(PortRanges.parse("2000-2002,5353"));

    @Test
    void reservesAllowedPortsOnce() {
        assertThat(ports.reserve(2001)).isNull();
        assertThat(ports.reserve(2001)).contains("already used");
        ports.release(2001);
        assertThat(ports.reserve(2001)).isNull();
    }

    @Test
    void refusesPortsOutsideTheRanges() {
        assertThat(ports.reserve(80)).contains("not allowed").contains("2000-2002");
        assertThat(ports.reserve(5354)).contains("not allowed");
    }

    @Test
    void picksEveryFreePortThenReportsExhaustion() {
        Set<Integer> picked = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            picked.add(ports.reserveAny());
        }
        assertThat(picked).containsExactlyInAnyOrder(2000, 2001, 2002, 5353);
        assertThat(ports.reserveAny()).isEqualTo(-1);
    }

    @Test
    void withheldPortsAreNeverPickedAtRandomButStillReservedByNumber() {
        ports.withhold(Set.of(2000, 5353));
        Set<Integer> picked = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            picked.add(ports.reserveAny());
        }
        assertThat(picked).containsExactlyInAnyOrder(2001, 2002);
        assertThat(ports.reserveAny()).isEqualTo(-1);
        assertThat(ports.reserve(5353)).as("its owner asks by number; the claim check is the caller's").isNull();
    }
}
