package dev.portway.storage;

/**
 * The database cannot be reached or is overloaded (connection refused, pool time-out, server shutting down, storage
 * queue full). Retrying later may succeed; the admin API maps it to 503.
 */
public class StorageUnavailableException extends StorageException {
    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
