package dev.portway.protocol.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PortRangesTest {

    @Test
    void containsPortsOfEveryRangeAndNothingElse() {
        PortRanges r = PortRanges.parse("2000-3000, 5353");
        assertThat(r.contains(2000)).isTrue();
        assertThat(r.contains(3000)).isTrue();
        assertThat(r.contains(5353)).isTrue();
        assertThat(r.contains(1999)).isFalse();
        assertThat(r.contains(3001)).isFalse();
        assertThat(r.contains(5354)).isFalse();
        assertThat(r.toString()).isEqualTo("2000-3000,5353");
        assertThat(r.size()).isEqualTo(1002);
    }

    @Test
    void mergesOverlappingAndAdjacentRangesIntoACanonicalForm() {
        PortRanges r = PortRanges.parse("5000-5010,4000,5005-6000,6001,4001");
        assertThat(r.toString()).isEqualTo("4000-4001,5000-6001");
        assertThat(r).isEqualTo(PortRanges.parse("4000-4001,5000-6001"));
    }

    @Test
    void rejectsMalformedRanges() {
        for (String bad : new String[] {"", "0", "65536", "3000-2000", "1-2-3", "a", "1000,", "-5"}) {
            assertThatIllegalArgumentException().as(bad).isThrownBy(() -> PortRanges.parse(bad));
        }
    }
}
