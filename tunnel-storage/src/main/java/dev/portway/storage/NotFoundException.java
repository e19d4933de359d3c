package dev.portway.storage;

/** A write named a row that does not exist (or a reference to one, such as an unknown owner). */
public class NotFoundException extends StorageException {
    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
