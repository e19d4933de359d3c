package dev.portway.storage.db;

import dev.portway.storage.StorageException;

/**
 * Another process (normally a running server) holds the embedded PostgreSQL of a data directory. A tool that only
 * reads can still reach that server through {@link RunningEmbeddedPostgres}; one that would change the data under a
 * running server's caches must stop here.
 */
public final class DataDirectoryInUseException extends StorageException {
    public DataDirectoryInUseException(String message) {
        super(message);
    }
}
