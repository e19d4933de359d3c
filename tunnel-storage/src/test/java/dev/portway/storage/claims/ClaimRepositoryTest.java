package dev.portway.storage.claims;

import dev.portway.storage.ConflictException;
import dev.portway.storage.Storage;
import dev.portway.storage.StorageSettings;
import dev.portway.storage.claims.HostRequest.Admission;
import dev.portway.storage.db.Database;
import dev.portway.storage.testing.TestDatabases;
import dev.portway.storage.users.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static dev.portway.storage.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Host and port ownership on real PostgreSQL: first use, wildcards, reservations, proof and races. */
@Timeout(60)
class ClaimRepositoryTest {
    @TempDir
    static Path dataDir;
    private static Database database;
    private static Storage storage;
    private static ClaimRepository claims;

    @BeforeAll
    static void start() {
        database = Database.start(TestDatabases.freshDatabase(), dataDir);
        storage = Storage.open(database, StorageSettings.DEFAULTS);
        claims = storage.claims();
    }

    @AfterAll
    static void stop() {
        storage.close();
        database.close();
    }

    private static User user(String name) {
        return result(storage.users().create(name));
    }

    private static List<ClaimDenial> take(User user, String... hosts) {
        return result(claims.takeHosts(user.id(), java.util.Arrays.stream(hosts)
                .map(host -> new HostRequest(host, Admission.FIRST_USE)).toList()));
    }

    @Test
    void theFirstUserToRegisterAHostKeepsItAndOthersAreToldWhy() {
        User alice = user("alice-first");
        User bob = user("bob-first");
        assertThat(take(alice, "app.one.test")).isEmpty();
        assertThat(take(alice, "app.one.test")).as("the owner again").isEmpty();
        List<ClaimDenial> denied = take(bob, "app.one.test", "free.one.test");
        assertThat(denied).extracting(ClaimDenial::describe)
                .containsExactly("host app.one.test belongs to another user");
        assertThat(result(claims.find(ClaimKind.HOST, "free.one.test"))).as("all or none").isEmpty();
        assertThat(result(claims.find(ClaimKind.HOST, "app.one.test")).orElseThrow().userName())
                .isEqualTo("alice-first");
        assertThat(result(claims.takeHosts(ClaimRepository.NO_USER,
                List.of(new HostRequest("app.one.test", Admission.FIRST_USE))))).as("a static token").hasSize(1);
        assertThat(result(claims.takeHosts(ClaimRepository.NO_USER,
                List.of(new HostRequest("other.one.test", Admission.FIRST_USE))))).isEmpty();
        assertThat(result(claims.find(ClaimKind.HOST, "other.one.test"))).as("static tokens hold nothing").isEmpty();
    }

    @Test
    void aWildcardAndTheHostsUnderItAreOneName() {
        User alice = user("alice-wild");
        User bob = user("bob-wild");
        assertThat(take(alice, "*.two.test")).isEmpty();
        assertThat(take(bob, "x.two.test")).extracting(ClaimDenial::describe)
                .containsExactly("host x.two.test is under *.two.test, which belongs to another user");
        assertThat(take(bob, "y.x.two.test")).as("two labels down is not covered").isEmpty();
        assertThat(take(bob, "h.three.test")).isEmpty();
        assertThat(take(alice, "*.three.test")).extracting(ClaimDenial::describe)
                .containsExactly("*.three.test would cover h.three.test, which belongs to another user");
        assertThat(take(alice, "three.test")).isEmpty();
    }

    @Test
    void reservationsNeedTheRightAdmissionAndProofIsAToken() {
        User alice = user("alice-res");
        User bob = user("bob-res");
        HostRequest wildcard = new HostRequest("*.four.test", Admission.RESERVED);
        assertThat(result(claims.takeHosts(alice.id(), List.of(wildcard)))).extracting(ClaimDenial::reason)
                .containsExactly(ClaimDenial.Reason.NOT_RESERVED);
        result(claims.reserve(alice.id(), ClaimKind.HOST, "*.four.test", true));
        assertThat(result(claims.takeHosts(alice.id(), List.of(wildcard)))).isEmpty();

        HostRequest proven = new HostRequest("shop.five.test", Admission.PROVEN);
        Claim reserved = result(claims.reserve(alice.id(), ClaimKind.HOST, "shop.five.test", false));
        assertThat(reserved.verified()).isFalse();
        assertThat(reserved.proofToken()).startsWith("pwp_");
        assertThat(result(claims.reserve(alice.id(), ClaimKind.HOST, "shop.five.test", false)).proofToken())
                .as("asking again keeps the token already published").isEqualTo(reserved.proofToken());
        assertThat(result(claims.takeHosts(alice.id(), List.of(proven)))).extracting(ClaimDenial::reason)
                .containsExactly(ClaimDenial.Reason.NOT_PROVEN);
        assertThat(result(claims.markVerified(ClaimKind.HOST, "shop.five.test")).proofToken()).isNull();
        assertThat(result(claims.takeHosts(alice.id(), List.of(proven)))).isEmpty();

        assertThatThrownBy(() -> result(claims.reserve(bob.id(), ClaimKind.HOST, "x.four.test", false)))
                .hasCauseInstanceOf(ConflictException.class)
                .hasMessageContaining("x.four.test is under *.four.test");
        assertThat(result(claims.release(ClaimKind.HOST, "*.four.test")).userId()).isEqualTo(alice.id());
        assertThat(result(claims.reserve(bob.id(), ClaimKind.HOST, "x.four.test", false)).userId())
                .isEqualTo(bob.id());
    }

    @Test
    void portsAreReservedToOneUser() {
        User alice = user("alice-port");
        User bob = user("bob-port");
        result(claims.reserve(alice.id(), ClaimKind.PORT, "20022", false));
        assertThat(result(claims.portDenial(alice.id(), 20022))).isEmpty();
        assertThat(result(claims.portDenial(bob.id(), 20022)).orElseThrow().describe())
                .isEqualTo("port 20022 is reserved to another user");
        assertThat(result(claims.portDenial(bob.id(), 20023))).isEmpty();
        assertThat(result(claims.reservedPorts())).containsEntry(20022, alice.id());
        assertThatThrownBy(() -> result(claims.reserve(bob.id(), ClaimKind.PORT, "20022", false)))
                .hasCauseInstanceOf(ConflictException.class);
        assertThat(result(claims.list(alice.id()))).extracting(Claim::name).containsExactly("20022");
    }

    @Test
    void racingUsersNeverBothGetOverlappingNames() {
        for (int round = 0; round < 20; round++) {
            User alice = user("alice-race-" + round);
            User bob = user("bob-race-" + round);
            String zone = "race" + round + ".test";
            CompletableFuture<List<ClaimDenial>> wild = claims.takeHosts(alice.id(),
                    List.of(new HostRequest("*." + zone, Admission.FIRST_USE)));
            List<CompletableFuture<List<ClaimDenial>>> hosts = IntStream.range(0, 4).mapToObj(i ->
                    claims.takeHosts(bob.id(), List.of(new HostRequest("h" + i + "." + zone, Admission.FIRST_USE))))
                    .toList();
            boolean wildcardGranted = result(wild).isEmpty();
            long hostsGranted = hosts.stream().filter(h -> result(h).isEmpty()).count();
            assertThat(wildcardGranted && hostsGranted > 0).as("round " + round).isFalse();
            assertThat(wildcardGranted || hostsGranted > 0).as("round " + round).isTrue();
        }
    }
}
