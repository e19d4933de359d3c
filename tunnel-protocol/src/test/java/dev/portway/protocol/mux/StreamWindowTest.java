package dev.portway.protocol.mux;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StreamWindowTest {
    private static final int KIB = 1024;

    @Test
    void creditIsReturnedInBatchesOfHalfAWindow() {
        StreamWindow window = new StreamWindow(256 * KIB, 8192 * KIB, new WindowBudget(64L << 20));
        assertThat(window.onData(256 * KIB, false)).isTrue();
        assertThat(window.onConsumed(100 * KIB)).isZero();
        assertThat(window.onConsumed(28 * KIB)).isEqualTo(128 * KIB);
        assertThat(window.available()).isEqualTo(128 * KIB);
        assertThat(window.onData(128 * KIB + 1, false)).as("beyond the credit").isFalse();
    }

    @Test
    void growsWhenTheSenderStarvesWhileTheConsumerKeepsUp() {
        StreamWindow window = new StreamWindow(256 * KIB, 8192 * KIB, new WindowBudget(64L << 20));
        // A fast consumer on a long link: every frame is drained at once, and the sender still runs dry.
        for (int i = 0; i < 4; i++) {
            boolean last = i == 3;
            assertThat(window.onData(64 * KIB, last)).isTrue();
            window.onConsumed(64 * KIB);
        }
        assertThat(window.window()).isEqualTo(512 * KIB);
    }

    @Test
    void doesNotGrowBehindASlowConsumer() {
        WindowBudget budget = new WindowBudget(64L << 20);
        StreamWindow window = new StreamWindow(256 * KIB, 8192 * KIB, budget);
        window.onData(192 * KIB, false);
        // The sender runs dry while three quarters of the window still wait for the consumer...
        window.onData(64 * KIB, true);
        // ...which then drains everything, slowly.
        for (int i = 0; i < 64; i++) {
            window.onConsumed(4 * KIB);
            assertThat(window.unconsumed()).isLessThanOrEqualTo(window.window());
        }
        assertThat(window.window()).isEqualTo(256 * KIB);
        assertThat(budget.committed()).isEqualTo(256 * KIB);
    }

    @Test
    void growthStopsAtTheConnectionBudget() {
        WindowBudget budget = new WindowBudget(384 * KIB);
        StreamWindow window = new StreamWindow(256 * KIB, 8192 * KIB, budget);
        window.onData(64 * KIB, true);
        window.onConsumed(64 * KIB);
        assertThat(window.window()).isEqualTo(384 * KIB);
        window.release();
        assertThat(budget.committed()).isZero();
    }

    @Test
    void defaultWindowDoublesUpToItsMaximumAndNoFurther() {
        WindowBudget budget = new WindowBudget(SessionSettings.DEFAULT_CONNECTION_WINDOW_BUDGET);
        StreamWindow window = new StreamWindow(SessionSettings.DEFAULT_INITIAL_WINDOW,
                SessionSettings.DEFAULT_MAX_WINDOW, budget);
        int expected = SessionSettings.DEFAULT_INITIAL_WINDOW;
        // Each round the sender spends all its credit and reports it ran dry; the consumer drains it at once.
        for (int round = 0; round < 12; round++) {
            int credit = window.available();
            assertThat(window.onData(credit, true)).isTrue();
            window.onConsumed(credit);
            expected = Math.min(2 * expected, SessionSettings.DEFAULT_MAX_WINDOW);
            assertThat(window.window()).as("round %d", round).isEqualTo(expected);
        }
        assertThat(window.window()).isEqualTo(64 * 1024 * KIB);
        assertThat(budget.committed()).isEqualTo(64L * 1024 * KIB);
        window.release();
        assertThat(budget.committed()).isZero();
    }

    @Test
    void defaultBudgetLetsTwoStreamsReachTheMaximumButNotAThird() {
        WindowBudget budget = new WindowBudget(SessionSettings.DEFAULT_CONNECTION_WINDOW_BUDGET);
        StreamWindow[] windows = new StreamWindow[3];
        for (int i = 0; i < windows.length; i++) {
            windows[i] = new StreamWindow(SessionSettings.DEFAULT_INITIAL_WINDOW, SessionSettings.DEFAULT_MAX_WINDOW,
                    budget);
        }
        for (int round = 0; round < 12; round++) {
            for (StreamWindow window : windows) {
                int credit = window.available();
                window.onData(credit, true);
                window.onConsumed(credit);
            }
        }
        assertThat(budget.committed()).isEqualTo(SessionSettings.DEFAULT_CONNECTION_WINDOW_BUDGET);
        assertThat(windows[0].window() + (long) windows[1].window() + windows[2].window())
                .isEqualTo(SessionSettings.DEFAULT_CONNECTION_WINDOW_BUDGET);
        assertThat(windows).allSatisfy(w -> assertThat(w.window()).isLessThanOrEqualTo(SessionSettings.DEFAULT_MAX_WINDOW));
        assertThat(windows).anySatisfy(w -> assertThat(w.window()).isLessThan(SessionSettings.DEFAULT_MAX_WINDOW));
    }
}
