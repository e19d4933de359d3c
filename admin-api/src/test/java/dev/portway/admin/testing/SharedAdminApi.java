package dev.portway.admin.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * One {@link AdminApiFixture} (real PostgreSQL, an admin user and key) for all the tests of a class that extends
 * this, started before the first and closed after the last. Test classes run one after another, so the static
 * fields serve each class in turn.
 */
public abstract class SharedAdminApi {
    @TempDir
    static Path dataDir;
    protected static AdminApiFixture api;

    @BeforeAll
    static void startSharedApi() {
        api = new AdminApiFixture(dataDir);
    }

    @AfterAll
    static void stopSharedApi() {
        api.close();
    }
}
