package dev.portway.admin.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.admin.testing.AdminApiFixture.Account;
import dev.portway.admin.testing.AdminApiFixture.Reply;
import dev.portway.admin.testing.SharedAdminApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.Set;

import static dev.portway.admin.testing.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class CertificateRoutesTest extends SharedAdminApi {
    @AfterEach
    void resetServer() {
        api.live.certificates.clear();
        api.live.acme = true;
        api.live.configuredCertificates = Set.of();
    }

    @Test
    void anAdminRequestsACertificateThatIsListedPendingAndAudited() {
        Reply requested = request("{\"domain\": \"WWW.Example.ORG.\"}", api.adminKey);
        assertThat(requested.status()).isEqualTo(202);
        assertThat(requested.json().path("name").asText()).isEqualTo("www.example.org");
        assertThat(requested.json().path("state").asText()).isEqualTo("pending");
        assertThat(requested.json().path("origin").asText()).isEqualTo("api");
        assertThat(requested.json().path("notAfter").isNull()).isTrue();

        JsonNode listed = api.get("/api/v1/certificates", api.adminKey).json();
        assertThat(listed.findValuesAsText("name")).containsExactly("www.example.org");
        assertThat(lastAudit().path("action").asText()).isEqualTo("certificate.request");
        assertThat(lastAudit().path("target").asText()).isEqualTo("certificate:www.example.org");
    }

    @Test
    void namesThatAreNoHostNamesAreRefusedWithTheField() {
        assertProblem(request("{\"domain\": \"not a host\"}", api.adminKey), 422, "domain");
        assertProblem(request("{\"domain\": \"localhost\"}", api.adminKey), 422, "domain");
        assertProblem(request("{\"domain\": \"192.0.2.10\"}", api.adminKey), 422, "domain");
        assertProblem(request("{\"domain\": \"*.*.example.org\"}", api.adminKey), 422, "domain");
        assertProblem(request("{}", api.adminKey), 422, "domain");
        assertProblem(request("{\"domain\": ", api.adminKey), 400);
        assertThat(api.live.certificates).isEmpty();
    }

    @Test
    void withoutAcmeRequestsAndDeletionsAreConflicts() {
        api.live.acme = false;
        JsonNode problem = assertProblem(request("{\"domain\": \"www.example.org\"}", api.adminKey), 409);
        assertThat(problem.path("type").asText()).isEqualTo("urn:portway:problem:acme-disabled");
        assertThat(problem.path("detail").asText()).contains("https.acme");
        assertProblem(api.call("DELETE", "/api/v1/certificates/www.example.org", api.adminKey, null), 409);
    }

    @Test
    void deleteRemovesARequestedCertificateAndRefusesConfiguredAndUnknownOnes() {
        request("{\"domain\": \"shop.example.org\"}", api.adminKey);
        api.live.configuredCertificates = Set.of("www.example.org");

        assertThat(api.call("DELETE", "/api/v1/certificates/shop.example.org", api.adminKey, null).status())
                .isEqualTo(204);
        assertThat(api.live.certificates).isEmpty();
        assertThat(lastAudit().path("action").asText()).isEqualTo("certificate.delete");
        assertProblem(api.call("DELETE", "/api/v1/certificates/shop.example.org", api.adminKey, null), 404);
        assertProblem(api.call("DELETE", "/api/v1/certificates/www.example.org", api.adminKey, null), 409, "name");
        assertProblem(api.call("DELETE", "/api/v1/certificates/no%20host", api.adminKey, null), 422, "name");
    }

    @Test
    void userKeysMayNeitherListNorRequestNorDelete() {
        Account user = api.account("cert-user");
        assertProblem(api.get("/api/v1/certificates", user.key()), 403);
        assertProblem(request("{\"domain\": \"www.example.org\"}", user.key()), 403);
        assertProblem(api.call("DELETE", "/api/v1/certificates/www.example.org", user.key(), null), 403);
        assertThat(api.live.certificates).isEmpty();
    }

    private Reply request(String body, String key) {
        return api.call("POST", "/api/v1/certificates", key, body);
    }

    private JsonNode lastAudit() {
        return api.call("GET", "/api/v1/audit", Map.of("limit", "1"), api.adminKey, null).json().get(0);
    }
}
