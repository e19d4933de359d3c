package dev.portway.storage.users;

import dev.portway.storage.NotFoundException;
import dev.portway.storage.Storage;
import dev.portway.storage.StorageSettings;
import dev.portway.storage.db.Database;
import dev.portway.storage.plans.Plan;
import dev.portway.storage.plans.PlanDraft;
import dev.portway.storage.plans.PlanLimits;
import dev.portway.storage.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static dev.portway.storage.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A user's plan and expiry: the subscription day moves only with the plan, and each field changes alone. */
@Timeout(60)
class PlanChangeTest {
    private static final Instant EXPIRY = Instant.parse("2027-06-30T22:00:00Z");

    @TempDir
    static Path dataDir;
    private static Database database;
    private static Storage storage;
    private static UserRepository users;
    private static Plan basic;
    private static Plan pro;

    @BeforeAll
    static void start() {
        database = Database.start(TestDatabases.freshDatabase(), dataDir);
        storage = Storage.open(database, StorageSettings.DEFAULTS);
        users = storage.users();
        basic = result(storage.plans().create(new PlanDraft("basic", false, PlanLimits.UNLIMITED)));
        pro = result(storage.plans().create(new PlanDraft("pro", false, PlanLimits.UNLIMITED)));
    }

    @AfterAll
    static void stop() {
        storage.close();
        database.close();
    }

    @Test
    void theSubscriptionDayMovesOnlyWhenThePlanChanges() {
        User created = result(users.create("mover"));
        assertThat(created.planId()).isNull();
        assertThat(created.planSince()).isNotNull();

        User onBasic = result(users.changePlan(created.id(), PlanChange.plan(basic.id())));
        assertThat(onBasic.planId()).isEqualTo(basic.id());
        assertThat(onBasic.planSince()).isAfter(created.planSince());

        User again = result(users.changePlan(created.id(), PlanChange.plan(basic.id())));
        assertThat(again.planSince()).as("the same plan again").isEqualTo(onBasic.planSince());

        User expiring = result(users.changePlan(created.id(), PlanChange.expiry(EXPIRY)));
        assertThat(expiring.planSince()).as("only the expiry changed").isEqualTo(onBasic.planSince());
        assertThat(expiring.planId()).isEqualTo(basic.id());

        User onPro = result(users.changePlan(created.id(), PlanChange.plan(pro.id())));
        assertThat(onPro.planSince()).isAfter(onBasic.planSince());
        assertThat(onPro.expiresAt()).as("kept").isEqualTo(EXPIRY);

        User onDefault = result(users.changePlan(created.id(), PlanChange.plan(null)));
        assertThat(onDefault.planId()).isNull();
        assertThat(onDefault.planSince()).isAfter(onPro.planSince());
        assertThat(result(users.changePlan(created.id(), PlanChange.plan(null))).planSince())
                .as("the default plan again").isEqualTo(onDefault.planSince());
        assertThat(result(users.findById(created.id()))).contains(onDefault);
    }

    @Test
    void theExpiryIsSetAndCleared() {
        User user = result(users.create("expiring"));
        User set = result(users.changePlan(user.id(), PlanChange.expiry(EXPIRY)));
        assertThat(set.expiresAt()).isEqualTo(EXPIRY);
        User both = result(users.changePlan(user.id(), new PlanChange(true, pro.id(), true, null)));
        assertThat(both.expiresAt()).as("cleared: never").isNull();
        assertThat(both.planId()).isEqualTo(pro.id());
        assertThat(result(users.findById(user.id())).orElseThrow().expiresAt()).isNull();
    }

    @Test
    void anUnknownUserOrPlanIsNotFound() {
        assertThatThrownBy(() -> result(users.changePlan(999_999, PlanChange.expiry(null))))
                .hasCauseInstanceOf(NotFoundException.class);
        User user = result(users.create("no-such-plan"));
        assertThatThrownBy(() -> result(users.changePlan(user.id(), PlanChange.plan(999_999L))))
                .hasCauseInstanceOf(NotFoundException.class);
        assertThat(result(users.findById(user.id())).orElseThrow().planId()).isNull();
    }
}
