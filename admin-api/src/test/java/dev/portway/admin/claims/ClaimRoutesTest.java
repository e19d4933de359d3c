package dev.portway.admin.claims;

import dev.portway.admin.testing.AdminApiFixture;
import dev.portway.admin.testing.AdminApiFixture.Account;
import dev.portway.admin.testing.AdminApiFixture.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

import static dev.portway.admin.testing.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Reservations through the API, with domain proofs read from a real DNS server on loopback by the JDK resolver. */
@Timeout(60)
class ClaimRoutesTest {
    @TempDir
    static Path dataDir;
    private static DnsStub dns;
    private static AdminApiFixture api;

    @BeforeAll
    static void start() throws Exception {
        dns = new DnsStub();
        api = new AdminApiFixture(dataDir, Clock.systemUTC(), new ClaimSettings("tunnel.test",
                new DnsTxtLookup(List.of(dns.address()), ForkJoinPool.commonPool())));
    }

    @AfterAll
    static void stop() {
        api.close();
        dns.close();
    }

    private static Reply reserve(String key, String body) {
        return api.call("POST", "/api/v1/claims", key, body);
    }

    @Test
    void aUserReservesItsDomainAndProvesItWithTheTxtRecordTheAnswerNames() {
        Account ann = api.account("ann");
        Reply reserved = reserve(ann.key(), "{\"kind\": \"host\", \"name\": \"Shop.Ann.Example\"}");
        assertThat(reserved.status()).isEqualTo(201);
        assertThat(reserved.json().path("name").asText()).isEqualTo("shop.ann.example");
        assertThat(reserved.json().path("verified").asBoolean()).isFalse();
        assertThat(reserved.json().path("proof").path("name").asText()).isEqualTo("_portway-challenge.shop.ann.example");
        String token = reserved.json().path("proof").path("value").asText();
        assertThat(token).startsWith("pwp_");

        Reply missing = api.call("POST", "/api/v1/claims/host/shop.ann.example/verify", ann.key(), null);
        assertProblem(missing, 422, "name");
        assertThat(missing.json().path("detail").asText()).contains("_portway-challenge.shop.ann.example")
                .contains(token).contains("no TXT record");

        dns.txt("_portway-challenge.shop.ann.example", "someone-else's", token);
        Reply verified = api.call("POST", "/api/v1/claims/host/shop.ann.example/verify", ann.key(), null);
        assertThat(verified.status()).isEqualTo(200);
        assertThat(verified.json().path("verified").asBoolean()).isTrue();
        assertThat(verified.json().path("proof").isNull()).isTrue();
        var entry = api.call("GET", "/api/v1/audit", Map.of("limit", "1"), api.adminKey, null).json().get(0);
        assertThat(entry.path("action").asText()).isEqualTo("claim.verify");
        assertThat(api.get("/api/v1/users/" + ann.user().id() + "/claims", ann.key()).json()).hasSize(1);
    }

    @Test
    void anotherUsersHostOrAHostUnderItsWildcardIsAConflictThatSaysWhy() {
        Account bea = api.account("bea");
        Account cy = api.account("cy");
        assertThat(reserve(bea.key(), "{\"kind\": \"host\", \"name\": \"*.bea.example\"}").status()).isEqualTo(201);
        Reply conflict = reserve(cy.key(), "{\"kind\": \"host\", \"name\": \"www.bea.example\"}");
        assertProblem(conflict, 409, "name");
        assertThat(conflict.json().path("detail").asText())
                .isEqualTo("host www.bea.example is under *.bea.example, which belongs to another user");
        assertProblem(api.call("DELETE", "/api/v1/claims/host/*.bea.example", cy.key(), null), 403);
        assertThat(api.call("DELETE", "/api/v1/claims/host/*.bea.example", bea.key(), null).status()).isEqualTo(200);
        assertThat(reserve(cy.key(), "{\"kind\": \"host\", \"name\": \"www.bea.example\"}").status()).isEqualTo(201);
    }

    @Test
    void portsAndWildcardsUnderTheServersDomainAreAnAdminsToGive() {
        Account dee = api.account("dee");
        assertProblem(reserve(dee.key(), "{\"kind\": \"port\", \"name\": \"2222\"}"), 403);
        assertProblem(reserve(dee.key(), "{\"kind\": \"host\", \"name\": \"*.dee.tunnel.test\"}"), 403);
        Reply subdomain = reserve(dee.key(), "{\"kind\": \"host\", \"name\": \"dee.tunnel.test\"}");
        assertThat(subdomain.json().path("verified").asBoolean()).as("the server's own domain needs no proof")
                .isTrue();

        Reply port = reserve(api.adminKey, "{\"kind\": \"port\", \"name\": \"2222\", \"userId\": "
                + dee.user().id() + "}");
        assertThat(port.status()).isEqualTo(201);
        assertThat(port.json().path("user").asText()).isEqualTo("dee");
        Reply wildcard = reserve(api.adminKey, "{\"kind\": \"host\", \"name\": \"*.dee.tunnel.test\", \"userId\": "
                + dee.user().id() + "}");
        assertThat(wildcard.json().path("verified").asBoolean()).as("an admin vouches").isTrue();
        assertThat(api.get("/api/v1/claims", api.adminKey).json()).extracting(n -> n.path("name").asText())
                .contains("2222", "*.dee.tunnel.test", "dee.tunnel.test");
        assertProblem(api.get("/api/v1/claims", dee.key()), 403);
    }

    @Test
    void badRequestsNameTheFieldToFix() {
        Account eve = api.account("eve");
        assertProblem(reserve(eve.key(), "{\"kind\": \"file\", \"name\": \"x\"}"), 422, "kind");
        assertProblem(reserve(eve.key(), "{\"kind\": \"host\", \"name\": \"not a host\"}"), 422, "name");
        assertProblem(reserve(eve.key(), "{\"kind\": \"host\"}"), 422, "name");
        assertProblem(reserve(api.adminKey, "{\"kind\": \"port\", \"name\": \"70000\"}"), 422, "name");
        assertProblem(reserve(eve.key(), "{\"kind\": \"host\", \"name\": \"a.eve.example\", \"userId\": "
                + api.admin.id() + "}"), 403);
        assertProblem(reserve(api.adminKey, "{\"kind\": \"host\", \"name\": \"a.eve.example\", \"userId\": 999999}"),
                404);
        assertProblem(api.call("POST", "/api/v1/claims/host/none.eve.example/verify", eve.key(), null), 404);
    }
}
