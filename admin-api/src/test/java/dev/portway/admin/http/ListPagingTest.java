package dev.portway.admin.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.admin.testing.AdminApiFixture;
import dev.portway.admin.testing.AdminApiFixture.Account;
import dev.portway.admin.testing.AdminApiFixture.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static dev.portway.admin.testing.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Long lists page, sort and filter in PostgreSQL: 10,050 users and 10,050 tunnels, of which a request reads one page;
 * the total number of matching rows travels in X-Total-Count.
 */
@Timeout(120)
class ListPagingTest {
    private static final int ROWS = 10_050;
    @TempDir
    static Path dataDir;
    static AdminApiFixture api;
    static Account owner;

    @BeforeAll
    static void manyRows() throws Exception {
        api = new AdminApiFixture(dataDir);
        owner = api.account("owner");
        try (Connection c = api.database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO users (name) SELECT 'bulk-' || lpad(i::text, 5, '0') FROM generate_series(1, "
                    + ROWS + ") i");
            s.execute("INSERT INTO tunnels (user_id, name, type, remote_port, local_target) SELECT " + owner.user().id()
                    + ", 'tcp-' || lpad(i::text, 5, '0'), 'tcp', 20000 + i, '127.0.0.1:' || (1000 + i % 7)"
                    + " FROM generate_series(1, " + ROWS + ") i");
        }
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static Reply list(String path, String key, Map<String, String> query) {
        return api.call("GET", path, query, key, null);
    }

    private static List<String> names(Reply reply) {
        return reply.json().findValuesAsText("name");
    }

    @Test
    void aPageFarIntoTheUsersIsReadSortedWithTheTotal() {
        Reply page = list("/api/v1/users", api.adminKey, Map.of("limit", "3", "offset", "10000", "sort", "-name",
                "q", "BULK-"));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header(ListParams.TOTAL_HEADER)).isEqualTo(Integer.toString(ROWS));
        assertThat(names(page)).containsExactly("bulk-00050", "bulk-00049", "bulk-00048");
    }

    @Test
    void theFilterTakesLikeWildcardsLiterally() {
        assertThat(list("/api/v1/users", api.adminKey, Map.of("q", "bulk-0999")).header(ListParams.TOTAL_HEADER))
                .isEqualTo("10");
        assertThat(list("/api/v1/users", api.adminKey, Map.of("q", "bulk_0")).header(ListParams.TOTAL_HEADER))
                .isEqualTo("0");
        assertThat(list("/api/v1/users", api.adminKey, Map.of("q", "%")).header(ListParams.TOTAL_HEADER))
                .isEqualTo("0");
    }

    @Test
    void tunnelsPageForTheirOwnerAndForAnAdmin() {
        Reply own = list("/api/v1/tunnels", owner.key(), Map.of("limit", "2", "sort", "-remotePort"));
        assertThat(own.header(ListParams.TOTAL_HEADER)).isEqualTo(Integer.toString(ROWS));
        assertThat(names(own)).containsExactly("tcp-10050", "tcp-10049");
        Reply filtered = list("/api/v1/tunnels", api.adminKey, Map.of("q", "127.0.0.1:1003", "limit", "1000"));
        assertThat(filtered.json()).hasSize(1000);
        assertThat(filtered.header(ListParams.TOTAL_HEADER)).isEqualTo("1436");
        Account other = api.account("other");
        assertThat(list("/api/v1/tunnels", other.key(), Map.of("limit", "5")).header(ListParams.TOTAL_HEADER))
                .isEqualTo("0");
    }

    @Test
    void withoutALimitAListIsWholeAsBefore() {
        JsonNode all = list("/api/v1/tunnels", owner.key(), Map.of()).json();
        assertThat(all).hasSize(ROWS);
        assertThat(all.get(0).path("name").asText()).isEqualTo("tcp-00001");
    }

    @Test
    void theAuditLogPagesNewestFirst() {
        for (int i = 0; i < 3; i++) {
            api.call("POST", "/api/v1/users", api.adminKey, "{\"name\": \"audited-" + i + "\"}");
        }
        Reply second = list("/api/v1/audit", api.adminKey, Map.of("limit", "1", "offset", "1", "q", "user.create"));
        assertThat(second.json().get(0).path("target").asText())
                .isEqualTo(list("/api/v1/audit", api.adminKey, Map.of("limit", "2")).json().get(1).path("target").asText());
        assertThat(list("/api/v1/audit", api.adminKey, Map.of()).json()).hasSizeLessThanOrEqualTo(100);
    }

    @Test
    void aBadParameterIsA422NamingIt() {
        assertProblem(list("/api/v1/users", api.adminKey, Map.of("sort", "password")), 422, "sort");
        assertProblem(list("/api/v1/users", api.adminKey, Map.of("limit", "1001")), 422, "limit");
        assertProblem(list("/api/v1/tunnels", api.adminKey, Map.of("offset", "-1")), 422, "offset");
        assertProblem(list("/api/v1/audit", api.adminKey, Map.of("q", "x".repeat(201))), 422, "q");
    }
}
