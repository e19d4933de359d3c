package dev.portway.server.cli;

/** The command line itself is wrong: the command prints this message and its usage, and exits with 2. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
