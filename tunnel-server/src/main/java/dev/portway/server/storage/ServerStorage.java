package dev.portway.server.storage;

import dev.portway.server.config.DatabaseSettings;
import dev.portway.storage.Storage;
import dev.portway.storage.StorageSettings;
import dev.portway.storage.usage.UsagePeriods;
import dev.portway.storage.bootstrap.InitialCredentials;
import dev.portway.storage.db.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * The server's database and storage as one unit with one lifecycle: started (and, on an empty database, bootstrapped)
 * before the control listener accepts anyone, closed after the last session is gone.
 *
 * <p><b>Threading:</b> {@link #start} and {@link #close} block for seconds (the embedded PostgreSQL starts and stops
 * with them); call them from startup and shutdown code, never from an event loop.
 */
public final class ServerStorage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerStorage.class);

    private final Database database;
    private final Storage storage;
    private final InitialCredentials initialCredentials;

    private ServerStorage(Database database, Storage storage, InitialCredentials initialCredentials) {
        this.database = database;
        this.storage = storage;
        this.initialCredentials = initialCredentials;
    }

    /**
     * Starts the database (embedded under {@code dataDir} when no URL is configured), migrates it, opens storage and
     * runs the first-start bootstrap.
     *
     * @throws dev.portway.storage.StorageException when any of that fails; nothing is left running then
     */
    public static ServerStorage start(DatabaseSettings settings, Path dataDir, UsagePeriods periods) {
        log.debug("starting database {}", settings.connection());
        Database database = Database.start(settings.connection(), dataDir);
        Storage storage = null;
        try {
            StorageSettings defaults = StorageSettings.DEFAULTS;
            storage = Storage.open(database, new StorageSettings(defaults.cache(), defaults.trafficFlushInterval(),
                    periods));
            // Bootstrap logs what it created (prefixes only); ServerMain shows the secrets once on stdout.
            InitialCredentials created = join(storage.bootstrap(dataDir)).orElse(null);
            return new ServerStorage(database, storage, created);
        } catch (RuntimeException e) {
            if (storage != null) {
                storage.close();
            }
            database.close();
            throw e;
        }
    }

    private static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    public Storage storage() {
        return storage;
    }

    public Database database() {
        return database;
    }

    /** What the bootstrap created on this start: present only on the very first start of an empty database. */
    public Optional<InitialCredentials> initialCredentials() {
        return Optional.ofNullable(initialCredentials);
    }

    /** Flushes traffic and stops the change listener, then drains storage work and stops the database. */
    @Override
    public void close() {
        try {
            storage.close();
        } finally {
            database.close();
        }
    }
}
