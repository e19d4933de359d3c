package dev.portway.storage.backup;

import dev.portway.storage.StorageException;

/** A backup that cannot be written, or a document that cannot be restored here; the message is for the operator. */
public final class BackupException extends StorageException {
    public BackupException(String message) {
        super(message);
    }
}
