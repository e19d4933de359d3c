package dev.portway.server.config;

import dev.portway.protocol.control.Tokens;

import java.util.List;

/**
 * Client tokens the server accepts. An empty list accepts nobody: a missing security setting fails closed.
 */
public record AuthConfig(List<String> tokens) {

    /** Short tokens can be guessed; 16 characters of a random token is already well beyond that. */
    public static final int MIN_TOKEN_LENGTH = 16;
    public static final AuthConfig NONE = new AuthConfig(List.of());

    public AuthConfig {
        tokens = List.copyOf(tokens);
        for (String t : tokens) {
            if (t.length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException("a token is shorter than " + MIN_TOKEN_LENGTH + " characters");
            }
        }
    }

    /** Keeps the tokens out of logs that print the whole config. */
    @Override
    public String toString() {
        return "AuthConfig[tokens=" + tokens.stream().map(Tokens::redact).toList() + "]";
    }
}
