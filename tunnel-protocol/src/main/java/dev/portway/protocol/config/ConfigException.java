package dev.portway.protocol.config;

import java.util.List;

/**
 * A configuration file could not be used. Carries every problem found, not only the first, so an operator fixes
 * the file in one round; each problem reads {@code <file>: <field path>: <what was expected>, got <what was found>}.
 */
public final class ConfigException extends Exception {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** The problems in the order they were found, each one line. */
    public List<String> problems() {
        return problems;
    }

    /** A bad file is an expected outcome reported to a human; a stack trace would only hide the message. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
