package dev.portway.server.limits;

import dev.portway.server.auth.Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class UserCeilingTest {
    private static final Principal ALICE = new Principal("alice", 7, 70);
    private static final Principal ALICE_OTHER_TOKEN = new Principal("alice", 7, 71);
    private static final Principal BOB = new Principal("bob", 8, 80);
    private static final Principal STATIC_CI = new Principal("static:ci", Principal.NOT_STORED, Principal.NOT_STORED);

    private final UserCeiling ceiling = new UserCeiling("limits.streamsPerUser", "streams", 3);

    @Test
    void aUserGetsUpToTheCeilingAndAnotherUserIsNotAffected() {
        List<UserCeiling.Ticket> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(ceiling.tryAcquire(i % 2 == 0 ? ALICE : ALICE_OTHER_TOKEN));
        }
        assertThat(held).doesNotContainNull();
        assertThat(ceiling.tryAcquire(ALICE)).as("all of alice's tokens share one count").isNull();
        assertThat(ceiling.held(ALICE)).isEqualTo(3);
        assertThat(ceiling.tryAcquire(BOB)).isNotNull();
        assertThat(ceiling.tryAcquire(STATIC_CI)).isNotNull();
        assertThat(ceiling.held(BOB)).isEqualTo(1);

        held.get(0).release();
        assertThat(ceiling.held(ALICE)).isEqualTo(2);
        assertThat(ceiling.tryAcquire(ALICE)).as("a unit given back can be taken again").isNotNull();
    }

    @Test
    void aTicketGivenBackTwiceGivesBackOneAndAnIdleUserLeavesNoEntry() {
        UserCeiling.Ticket first = ceiling.tryAcquire(ALICE);
        UserCeiling.Ticket second = ceiling.tryAcquire(ALICE);
        first.release();
        first.release();
        assertThat(ceiling.held(ALICE)).isEqualTo(1);
        second.release();
        assertThat(ceiling.held(ALICE)).isZero();
        assertThat(ceiling.users()).isZero();
    }

    @Test
    @Timeout(30)
    void countsStayExactUnderConcurrentTakingAndGivingBack() throws Exception {
        UserCeiling wide = new UserCeiling("limits.udpFlowsPerUser", "UDP flows", 64);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> refusedCounts = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Principal user = t % 2 == 0 ? ALICE : BOB;
                refusedCounts.add(threads.submit(() -> {
                    int refused = 0;
                    for (int i = 0; i < 20_000; i++) {
                        UserCeiling.Ticket ticket = wide.tryAcquire(user);
                        if (ticket == null) {
                            refused++;
                            continue;
                        }
                        assertThat(wide.held(user)).isBetween(1, 64);
                        ticket.release();
                        ticket.release();
                    }
                    return refused;
                }));
            }
            for (Future<Integer> refused : refusedCounts) {
                assertThat(refused.get(30, TimeUnit.SECONDS)).as("4 threads per user never hold 64").isZero();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(wide.held(ALICE)).isZero();
        assertThat(wide.held(BOB)).isZero();
        assertThat(wide.users()).isZero();
    }
}
