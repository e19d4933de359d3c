package dev.portway.storage.plans;

import dev.portway.protocol.control.TunnelType;
import dev.portway.storage.ConflictException;
import dev.portway.storage.NotFoundException;
import dev.portway.storage.Storage;
import dev.portway.storage.StorageSettings;
import dev.portway.storage.db.Database;
import dev.portway.storage.testing.TestDatabases;
import dev.portway.storage.users.PlanChange;
import dev.portway.storage.users.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static dev.portway.storage.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Plans on real PostgreSQL: every field round trips, one default at most, a plan in use stays. */
@Timeout(60)
class PlanRepositoryTest {
    static final PlanLimits FULL = new PlanLimits(10_000_000_000L, AtLimit.THROTTLE, 64_000L, 0.85, 2_000_000L,
            1_000_000L, 50, 200, 5, 2, Set.of(TunnelType.HTTP, TunnelType.TCP), 20_000, 29_999, false);

    @TempDir
    static Path dataDir;
    private static Database database;
    private static Storage storage;
    private static PlanRepository plans;

    @BeforeAll
    static void start() {
        database = Database.start(TestDatabases.freshDatabase(), dataDir);
        storage = Storage.open(database, StorageSettings.DEFAULTS);
        plans = storage.plans();
    }

    @AfterAll
    static void stop() {
        storage.close();
        database.close();
    }

    private static Plan create(String name, boolean isDefault, PlanLimits limits) {
        return result(plans.create(new PlanDraft(name, isDefault, limits)));
    }

    private static boolean isDefault(Plan plan) {
        return result(plans.findById(plan.id())).orElseThrow().isDefault();
    }

    @Test
    void everyFieldRoundTripsAndAnUpdateReplacesThemAll() {
        Plan pro = create("pro-crud", false, FULL);
        assertThat(pro.limits()).isEqualTo(FULL);
        assertThat(pro.name()).isEqualTo("pro-crud");
        assertThat(pro.created()).isNotNull();
        assertThat(result(plans.findById(pro.id()))).contains(pro);
        assertThat(result(plans.list())).contains(pro);

        Plan open = result(plans.update(pro.id(), new PlanDraft("open-crud", false, PlanLimits.UNLIMITED)));
        assertThat(open.name()).isEqualTo("open-crud");
        assertThat(open.limits()).isEqualTo(PlanLimits.UNLIMITED);
        assertThat(open.limits().tunnelTypes()).as("null, every type, not an empty set").isNull();
        assertThat(open.updated()).isAfter(pro.updated());

        PlanLimits none = new PlanLimits(0L, AtLimit.SUSPEND, null, 1, null, null, null, null, 0, 0, Set.of(), null,
                null, true);
        assertThat(result(plans.update(pro.id(), new PlanDraft("open-crud", false, none))).limits().tunnelTypes())
                .as("an empty list allows no type").isEmpty();

        assertThat(result(plans.delete(pro.id()))).isTrue();
        assertThat(result(plans.delete(pro.id()))).isFalse();
        assertThat(result(plans.findById(pro.id()))).isEmpty();
        assertThatThrownBy(() -> result(plans.update(pro.id(), new PlanDraft("gone", false, FULL))))
                .hasCauseInstanceOf(NotFoundException.class);
    }

    @Test
    void aTakenNameConflictsOnName() {
        Plan first = create("taken-name", false, FULL);
        assertConflict(plans.create(new PlanDraft("taken-name", false, FULL)), "name");
        Plan second = create("other-name", false, FULL);
        assertConflict(plans.update(second.id(), new PlanDraft("taken-name", false, FULL)), "name");
        assertThat(result(plans.findById(first.id()))).isPresent();
    }

    @Test
    void theDefaultMarkMovesToTheLastPlanGivenIt() {
        Plan a = create("default-a", true, FULL);
        Plan b = create("default-b", true, PlanLimits.UNLIMITED);
        assertThat(isDefault(a)).isFalse();
        assertThat(isDefault(b)).isTrue();

        result(plans.update(a.id(), new PlanDraft("default-a", true, FULL)));
        assertThat(isDefault(a)).isTrue();
        assertThat(isDefault(b)).isFalse();
        assertThat(result(plans.list()).stream().filter(Plan::isDefault)).hasSize(1);

        result(plans.update(a.id(), new PlanDraft("default-a", false, FULL)));
        assertThat(result(plans.list()).stream().filter(Plan::isDefault)).as("no default at all").isEmpty();
    }

    @Test
    void aPlanInUseCannotBeDeletedUntilItsUsersMove() {
        Plan busy = create("busy", false, FULL);
        User user = result(storage.users().create("on-busy"));
        result(storage.users().changePlan(user.id(), PlanChange.plan(busy.id())));

        assertThatThrownBy(() -> result(plans.delete(busy.id())))
                .hasCauseInstanceOf(ConflictException.class)
                .cause().hasMessageContaining("1 user(s)")
                .extracting(e -> ((ConflictException) e).field()).isEqualTo("plan");
        assertThat(result(plans.findById(busy.id()))).isPresent();

        result(storage.users().changePlan(user.id(), PlanChange.plan(null)));
        assertThat(result(plans.delete(busy.id()))).isTrue();
    }

    @Test
    void aUserMovingOntoThePlanWhileItIsDeletedMakesItAConflict() throws Exception {
        Plan contested = create("contested", false, FULL);
        User user = result(storage.users().create("racing"));
        CompletableFuture<Boolean> deleted;
        try (Connection c = database.openDedicatedConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("UPDATE users SET plan_id = ? WHERE id = ?")) {
                s.setLong(1, contested.id());
                s.setLong(2, user.id());
                s.executeUpdate();
            }
            deleted = plans.delete(contested.id());
            Thread.sleep(300);
            assertThat(deleted).as("waits for the move to commit").isNotDone();
            c.commit();
        }
        assertThatThrownBy(() -> result(deleted)).hasCauseInstanceOf(ConflictException.class);
    }

    @Test
    void forUserGivesTheOwnPlanElseTheDefaultElseNone() {
        // Another test of this class may have left a default plan behind.
        result(plans.list()).stream().filter(Plan::isDefault).forEach(p ->
                result(plans.update(p.id(), new PlanDraft(p.name(), false, p.limits()))));
        User user = result(storage.users().create("for-user"));

        UserPlan none = result(plans.forUser(user.id())).orElseThrow();
        assertThat(none.plan()).isNull();
        assertThat(none.limits()).isEqualTo(PlanLimits.UNLIMITED);
        assertThat(none.userName()).isEqualTo("for-user");
        assertThat(none.planSince()).isNotNull();
        assertThat(none.expiresAt()).isNull();

        Plan fallback = create("fallback", true, PlanLimits.UNLIMITED);
        assertThat(result(plans.forUser(user.id())).orElseThrow().plan()).isEqualTo(fallback);

        Plan own = create("own", false, FULL);
        result(storage.users().changePlan(user.id(), PlanChange.plan(own.id())));
        UserPlan mine = result(plans.forUser(user.id())).orElseThrow();
        assertThat(mine.plan()).isEqualTo(own);
        assertThat(mine.limits()).isEqualTo(FULL);

        assertThat(result(plans.forUser(999_999))).isEmpty();
    }

    private static void assertConflict(CompletableFuture<?> future, String field) {
        assertThatThrownBy(() -> result(future))
                .hasCauseInstanceOf(ConflictException.class)
                .extracting(e -> ((ConflictException) e.getCause()).field()).isEqualTo(field);
    }
}
