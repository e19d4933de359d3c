package dev.portway.admin.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.admin.testing.AdminApiFixture.Reply;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks that a reply is an RFC 9457 problem with the expected status (and field, when one is expected). */
public final class Problems {
    private Problems() {
    }

    public static JsonNode assertProblem(Reply reply, int status) {
        assertThat(reply.status()).as("status of %s", reply).isEqualTo(status);
        assertThat(reply.contentType()).isEqualTo("application/problem+json");
        JsonNode problem = reply.json();
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("type").asText()).startsWith("urn:portway:problem:");
        assertThat(problem.path("title").asText()).isNotEmpty();
        assertThat(problem.path("detail").asText()).isNotEmpty();
        return problem;
    }

    public static JsonNode assertProblem(Reply reply, int status, String field) {
        JsonNode problem = assertProblem(reply, status);
        assertThat(problem.path("field").asText()).as("field of %s", reply).isEqualTo(field);
        return problem;
    }
}
