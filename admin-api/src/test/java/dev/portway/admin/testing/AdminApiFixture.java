package dev.portway.admin.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.admin.AdminApi;
import dev.portway.admin.claims.ClaimSettings;
import dev.portway.admin.http.AdminRequest;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.Json;
import dev.portway.storage.Storage;
import dev.portway.storage.StorageSettings;
import dev.portway.storage.apikeys.ApiKeyRole;
import dev.portway.storage.db.Database;
import dev.portway.storage.testing.TestDatabases;
import dev.portway.storage.users.User;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.portway.storage.testing.Await.result;

/**
 * An {@link AdminApi} on a fresh database of the shared test PostgreSQL, with a fake live server, and helpers to
 * call it as a client would. One per test class.
 */
public final class AdminApiFixture implements AutoCloseable {
    public static final String REMOTE = "203.0.113.9:5555";

    public final Database database;
    public final Storage storage;
    public final FakeLiveServer live = new FakeLiveServer();
    public final AdminApi api;
    /** The key of an admin user created at start. */
    public final String adminKey;
    public final User admin;

    public AdminApiFixture(Path dataDir, Clock clock) {
        this(dataDir, clock, null);
    }

    /** @param claims the server domain and proof look-up the claim routes see; null: the defaults */
    public AdminApiFixture(Path dataDir, Clock clock, ClaimSettings claims) {
        database = Database.start(TestDatabases.freshDatabase(), dataDir);
        storage = Storage.open(database, StorageSettings.DEFAULTS);
        api = claims == null ? new AdminApi(storage, live, live, clock) : new AdminApi(storage, live, live, clock, claims);
        admin = result(storage.users().create("root"));
        adminKey = result(storage.apiKeys().issue(admin.id(), ApiKeyRole.ADMIN)).key();
    }

    public AdminApiFixture(Path dataDir) {
        this(dataDir, Clock.systemUTC());
    }

    /** A user with a {@code user}-role key. */
    public record Account(User user, String key) {
    }

    public Account account(String name) {
        User user = result(storage.users().create(name));
        return new Account(user, result(storage.apiKeys().issue(user.id(), ApiKeyRole.USER)).key());
    }

    public Reply call(String method, String path, String key, String body) {
        return call(method, path, Map.of(), key, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    public Reply call(String method, String path, Map<String, String> query, String key, byte[] body) {
        Map<String, List<String>> headers = new HashMap<>();
        if (key != null) {
            headers.put("authorization", List.of("Bearer " + key));
        }
        return send(new AdminRequest(method, path, query, headers, body, REMOTE));
    }

    public Reply send(AdminRequest request) {
        return new Reply(result(api.handle(request)));
    }

    public Reply get(String path, String key) {
        return call("GET", path, key, null);
    }

    /** A response with its body parsed when it is JSON. */
    public record Reply(AdminResponse response) {
        public int status() {
            return response.status();
        }

        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(response.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String header(String name) {
            return response.headers().get(name);
        }

        public String contentType() {
            return header("Content-Type");
        }

        @Override
        public String toString() {
            return response.status() + " " + new String(response.body(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        storage.close();
        database.close();
    }
}
