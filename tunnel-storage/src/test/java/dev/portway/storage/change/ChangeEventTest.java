package dev.portway.storage.change;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeEventTest {
    @Test
    void payloadsRoundTrip() {
        for (ChangeEvent event : new ChangeEvent[] {ChangeEvent.token("ab12"), ChangeEvent.user(7),
                ChangeEvent.tunnel(42), ChangeEvent.plan(3), ChangeEvent.claim("host"), ChangeEvent.EVERYTHING}) {
            assertThat(ChangeEvent.parse(event.payload())).contains(event);
        }
    }

    @Test
    void payloadsFromANewerVersionAreIgnored() {
        assertThat(ChangeEvent.parse("quota:3")).isEmpty();
        assertThat(ChangeEvent.parse("token:")).isEmpty();
        assertThat(ChangeEvent.parse("garbage")).isEmpty();
        assertThat(ChangeEvent.parse(null)).isEmpty();
    }
}
