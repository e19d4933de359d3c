package dev.portway.client.health;

import org.junit.jupiter.api.Test;

import static dev.portway.client.health.HealthState.Transition.DOWN;
import static dev.portway.client.health.HealthState.Transition.NONE;
import static dev.portway.client.health.HealthState.Transition.UP;
import static org.assertj.core.api.Assertions.assertThat;

class HealthStateTest {
    @Test
    void goesDownOnlyAfterTheConfiguredFailuresInARow() {
        HealthState state = new HealthState(3);

        assertThat(state.record(false)).isEqualTo(NONE);
        assertThat(state.record(false)).isEqualTo(NONE);
        assertThat(state.record(true)).isEqualTo(NONE);
        assertThat(state.record(false)).isEqualTo(NONE);
        assertThat(state.record(false)).isEqualTo(NONE);
        assertThat(state.healthy()).isTrue();
        assertThat(state.record(false)).isEqualTo(DOWN);
        assertThat(state.healthy()).isFalse();
        assertThat(state.record(false)).isEqualTo(NONE);
        assertThat(state.failedInRow()).isEqualTo(4);
    }

    @Test
    void comesBackWithTheFirstPassingCheckAndCountsAfresh() {
        HealthState state = new HealthState(1);

        assertThat(state.record(false)).isEqualTo(DOWN);
        assertThat(state.record(true)).isEqualTo(UP);
        assertThat(state.record(true)).isEqualTo(NONE);
        assertThat(state.failedInRow()).isZero();
        assertThat(state.record(false)).isEqualTo(DOWN);
    }
}
