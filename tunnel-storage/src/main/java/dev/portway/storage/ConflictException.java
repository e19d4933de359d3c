package dev.portway.storage;

/** A write collided with a uniqueness rule. {@link #field()} names the field in the API's terms, e.g. {@code remotePort}. */
public class ConflictException extends StorageException {
    private final String field;

    public ConflictException(String field, Throwable cause) {
        super(field + " is already taken", cause);
        this.field = field;
    }

    /** A conflict a uniqueness constraint cannot describe, such as a host under another user's wildcard. */
    public ConflictException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
