package dev.portway.admin.plans;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.admin.testing.AdminApiFixture.Account;
import dev.portway.admin.testing.AdminApiFixture.Reply;
import dev.portway.admin.testing.SharedAdminApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.portway.admin.testing.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** The plan routes on real PostgreSQL: admin only, every field named when wrong, a plan in use stays. */
@Timeout(60)
class PlanRoutesTest extends SharedAdminApi {
    private static final String PRO = """
            {"name": "pro", "default": false, "monthlyTraffic": 50000000000, "atLimit": "throttle",
             "throttleFloor": 131072, "warningShare": 0.9, "bandwidthPerUser": 10485760,
             "bandwidthPerTunnel": 5242880, "connectionsPerTunnel": 100, "connectionsPerUser": 500,
             "tunnelsPerUser": 10, "clientsPerUser": 3, "tunnelTypes": ["http", "tcp"], "portMin": 20000,
             "portMax": 29999, "customDomains": false}""";

    private static long create(String body) {
        Reply created = api.call("POST", "/api/v1/plans", api.adminKey, body);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return created.json().path("id").asLong();
    }

    @Test
    void adminCreatesReadsListsReplacesAndDeletesAPlan() {
        Reply created = api.call("POST", "/api/v1/plans", api.adminKey, PRO);
        assertThat(created.status()).isEqualTo(201);
        JsonNode plan = created.json();
        long id = plan.path("id").asLong();
        assertThat(created.header("Location")).isEqualTo("/api/v1/plans/" + id);
        assertThat(plan.path("name").asText()).isEqualTo("pro");
        assertThat(plan.path("default").asBoolean()).isFalse();
        assertThat(plan.path("monthlyTraffic").asLong()).isEqualTo(50_000_000_000L);
        assertThat(plan.path("atLimit").asText()).isEqualTo("throttle");
        assertThat(plan.path("throttleFloor").asLong()).isEqualTo(131_072);
        assertThat(plan.path("warningShare").asDouble()).isEqualTo(0.9);
        assertThat(plan.path("bandwidthPerUser").asLong()).isEqualTo(10_485_760);
        assertThat(plan.path("bandwidthPerTunnel").asLong()).isEqualTo(5_242_880);
        assertThat(plan.path("connectionsPerTunnel").asInt()).isEqualTo(100);
        assertThat(plan.path("connectionsPerUser").asInt()).isEqualTo(500);
        assertThat(plan.path("tunnelsPerUser").asInt()).isEqualTo(10);
        assertThat(plan.path("clientsPerUser").asInt()).isEqualTo(3);
        assertThat(plan.path("tunnelTypes").toString()).isEqualTo("[\"http\",\"tcp\"]");
        assertThat(plan.path("portMin").asInt()).isEqualTo(20_000);
        assertThat(plan.path("portMax").asInt()).isEqualTo(29_999);
        assertThat(plan.path("customDomains").asBoolean()).isFalse();
        assertThat(plan.path("created").asText()).isNotEmpty();
        assertThat(plan.has("isDefault")).isFalse();

        assertThat(api.get("/api/v1/plans/" + id, api.adminKey).json()).isEqualTo(plan);
        assertThat(api.get("/api/v1/plans", api.adminKey).json().findValuesAsText("name")).contains("pro");

        Reply replaced = api.call("PUT", "/api/v1/plans/" + id, api.adminKey, "{\"name\": \"pro-open\"}");
        assertThat(replaced.status()).isEqualTo(200);
        JsonNode open = replaced.json();
        assertThat(open.path("name").asText()).isEqualTo("pro-open");
        assertThat(open.path("monthlyTraffic").isNull()).as("left out: unlimited").isTrue();
        assertThat(open.path("tunnelTypes").isNull()).as("every type").isTrue();
        assertThat(open.path("atLimit").asText()).isEqualTo("suspend");
        assertThat(open.path("warningShare").asDouble()).isEqualTo(0.8);
        assertThat(open.path("customDomains").asBoolean()).isTrue();
        assertThat(open.path("default").asBoolean()).isFalse();

        assertThat(api.call("DELETE", "/api/v1/plans/" + id, api.adminKey, null).status()).isEqualTo(204);
        assertProblem(api.get("/api/v1/plans/" + id, api.adminKey), 404);
        assertProblem(api.call("DELETE", "/api/v1/plans/" + id, api.adminKey, null), 404);
        assertProblem(api.call("PUT", "/api/v1/plans/" + id, api.adminKey, "{\"name\": \"ghost\"}"), 404);
    }

    @Test
    void theDefaultMarkMovesToTheLastPlanGivenIt() {
        long first = create("{\"name\": \"free\", \"default\": true, \"monthlyTraffic\": 1000000000}");
        long second = create("{\"name\": \"trial\", \"default\": true}");
        assertThat(api.get("/api/v1/plans/" + first, api.adminKey).json().path("default").asBoolean()).isFalse();
        assertThat(api.get("/api/v1/plans/" + second, api.adminKey).json().path("default").asBoolean()).isTrue();
        api.call("PUT", "/api/v1/plans/" + second, api.adminKey, "{\"name\": \"trial\"}");
    }

    @Test
    void aTakenNameIs409NamingName() {
        create("{\"name\": \"twice\"}");
        assertProblem(api.call("POST", "/api/v1/plans", api.adminKey, "{\"name\": \"twice\"}"), 409, "name");
    }

    @Test
    void aPlanInUseIs409NamingPlanUntilItsUsersMove() {
        long id = create("{\"name\": \"busy\"}");
        Account user = api.account("on-busy");
        assertThat(api.call("PATCH", "/api/v1/users/" + user.user().id(), api.adminKey, "{\"planId\": " + id + "}")
                .status()).isEqualTo(200);

        JsonNode problem = assertProblem(api.call("DELETE", "/api/v1/plans/" + id, api.adminKey, null), 409, "plan");
        assertThat(problem.path("detail").asText()).contains("1 user(s)");
        assertThat(api.get("/api/v1/plans/" + id, api.adminKey).status()).isEqualTo(200);

        api.call("PATCH", "/api/v1/users/" + user.user().id(), api.adminKey, "{\"planId\": null}");
        assertThat(api.call("DELETE", "/api/v1/plans/" + id, api.adminKey, null).status()).isEqualTo(204);
    }

    @Test
    void invalidFieldsAre422NamingTheField() {
        assertInvalid("{}", "name");
        assertInvalid("{\"name\": \"has space\"}", "name");
        assertInvalid("{\"name\": \"p\", \"monthlyTraffic\": -1}", "monthlyTraffic");
        assertInvalid("{\"name\": \"p\", \"monthlyTraffic\": \"10GB\"}", "monthlyTraffic");
        assertInvalid("{\"name\": \"p\", \"monthlyTraffic\": 1.5}", "monthlyTraffic");
        assertInvalid("{\"name\": \"p\", \"atLimit\": \"drop\"}", "atLimit");
        assertInvalid("{\"name\": \"p\", \"atLimit\": \"throttle\"}", "throttleFloor");
        assertInvalid("{\"name\": \"p\", \"throttleFloor\": 65536}", "throttleFloor");
        assertInvalid("{\"name\": \"p\", \"atLimit\": \"throttle\", \"throttleFloor\": 1023}", "throttleFloor");
        assertInvalid("{\"name\": \"p\", \"warningShare\": 0}", "warningShare");
        assertInvalid("{\"name\": \"p\", \"warningShare\": 1.01}", "warningShare");
        assertInvalid("{\"name\": \"p\", \"bandwidthPerUser\": 1023}", "bandwidthPerUser");
        assertInvalid("{\"name\": \"p\", \"bandwidthPerTunnel\": 10737418241}", "bandwidthPerTunnel");
        assertInvalid("{\"name\": \"p\", \"connectionsPerTunnel\": 0}", "connectionsPerTunnel");
        assertInvalid("{\"name\": \"p\", \"connectionsPerUser\": 0}", "connectionsPerUser");
        assertInvalid("{\"name\": \"p\", \"tunnelsPerUser\": -1}", "tunnelsPerUser");
        assertInvalid("{\"name\": \"p\", \"clientsPerUser\": -1}", "clientsPerUser");
        assertInvalid("{\"name\": \"p\", \"tunnelTypes\": [\"tcp\", \"ftp\"]}", "tunnelTypes[1]");
        assertInvalid("{\"name\": \"p\", \"tunnelTypes\": \"tcp\"}", "tunnelTypes");
        assertInvalid("{\"name\": \"p\", \"portMin\": 0}", "portMin");
        assertInvalid("{\"name\": \"p\", \"portMax\": 65536}", "portMax");
        assertInvalid("{\"name\": \"p\", \"portMin\": 3000, \"portMax\": 2000}", "portMax");
        assertInvalid("{\"name\": \"p\", \"default\": \"yes\"}", "default");
        assertInvalid("{\"name\": \"p\", \"isDefault\": true}", "isDefault");
        assertInvalid("{\"name\": \"p\", \"monthlyTrafic\": 1}", "monthlyTrafic");
        assertProblem(api.call("PUT", "/api/v1/plans/1", api.adminKey, "{\"name\": \"p\", \"portMin\": 0}"), 422,
                "portMin");
        assertProblem(api.call("POST", "/api/v1/plans", api.adminKey, "{\"name\": "), 400);

        long bounds = create("{\"name\": \"bounds\", \"atLimit\": \"throttle\", \"throttleFloor\": 1024,"
                + " \"bandwidthPerTunnel\": 10737418240, \"warningShare\": 1, \"tunnelTypes\": [],"
                + " \"tunnelsPerUser\": 0, \"monthlyTraffic\": 0}");
        assertThat(api.get("/api/v1/plans/" + bounds, api.adminKey).json().path("tunnelTypes").isEmpty()).isTrue();
    }

    private static void assertInvalid(String body, String field) {
        assertProblem(api.call("POST", "/api/v1/plans", api.adminKey, body), 422, field);
    }

    @Test
    void aUserKeyReachesNoPlanRoute() {
        Account user = api.account("plan-curious");
        long id = create("{\"name\": \"hidden\"}");
        assertProblem(api.call("POST", "/api/v1/plans", user.key(), "{\"name\": \"mine\"}"), 403);
        assertProblem(api.get("/api/v1/plans", user.key()), 403);
        assertProblem(api.get("/api/v1/plans/" + id, user.key()), 403);
        assertProblem(api.call("PUT", "/api/v1/plans/" + id, user.key(), "{\"name\": \"mine\"}"), 403);
        assertProblem(api.call("DELETE", "/api/v1/plans/" + id, user.key(), null), 403);
        assertThat(api.get("/api/v1/plans/" + id, api.adminKey).json().path("name").asText()).isEqualTo("hidden");
    }

    @Test
    void everyChangeIsAudited() {
        long id = create("{\"name\": \"audited\", \"monthlyTraffic\": 1000}");
        api.call("PUT", "/api/v1/plans/" + id, api.adminKey, "{\"name\": \"audited\", \"monthlyTraffic\": 2000}");
        api.call("DELETE", "/api/v1/plans/" + id, api.adminKey, null);

        JsonNode audit = api.get("/api/v1/audit", api.adminKey).json();
        assertThat(audit.get(0).path("action").asText()).isEqualTo("plan.delete");
        assertThat(audit.get(0).path("detail").path("name").asText()).isEqualTo("audited");
        assertThat(audit.get(1).path("action").asText()).isEqualTo("plan.update");
        assertThat(audit.get(1).path("detail").path("limits").path("monthlyTraffic").asLong()).isEqualTo(2000);
        assertThat(audit.get(2).path("action").asText()).isEqualTo("plan.create");
        assertThat(audit.get(2).path("detail").path("default").asBoolean()).isFalse();
        for (int i = 0; i < 3; i++) {
            assertThat(audit.get(i).path("target").asText()).isEqualTo("plan:" + id);
            assertThat(audit.get(i).path("actor").asText()).startsWith("root (api key ");
        }
    }
}
