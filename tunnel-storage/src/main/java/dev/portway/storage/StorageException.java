package dev.portway.storage;

/** Base of every failure the storage layer reports; callers never see a raw {@link java.sql.SQLException}. */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
