package dev.portway.server.config;

import dev.portway.protocol.control.Tokens;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Client tokens the server accepts. An empty list accepts nobody: a missing security setting fails closed.
 *
 * <p>Each token is its own user: {@code static:<name>} for a named entry, {@code static:N} for the N-th entry (from
 * 1) of the list when it is a plain token. No two entries may stand for one user or hold one token, so a token always
 * means exactly one user.
 */
public record AuthConfig(List<StaticToken> tokens) {

    /** Short tokens can be guessed; 16 characters of a random token is already well beyond that. */
    public static final int MIN_TOKEN_LENGTH = 16;
    /** Lower case only, so that two spellings of one name cannot be two users; no colon, like database users. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9._-]{1,64}");
    public static final String NAME_RULE = "1 to 64 characters of a-z 0-9 . _ -";
    public static final AuthConfig NONE = new AuthConfig(List.of());

    /**
     * One {@code auth.tokens} entry.
     *
     * @param name  the user's name after {@code static:}; null for a plain entry, named by its position instead
     * @param token the secret itself, at least {@link #MIN_TOKEN_LENGTH} characters
     */
    public record StaticToken(String name, String token) {
        public StaticToken {
            if (name != null && !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("a static token's name is not " + NAME_RULE);
            }
            if (token.length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException("a token is shorter than " + MIN_TOKEN_LENGTH + " characters");
            }
        }

        /** An entry written as a bare string. */
        public static StaticToken plain(String token) {
            return new StaticToken(null, token);
        }

        @Override
        public String toString() {
            return (name == null ? "" : name + "=") + Tokens.redact(token);
        }
    }

    public AuthConfig {
        tokens = List.copyOf(tokens);
        if (new HashSet<>(users(tokens)).size() < tokens.size()) {
            throw new IllegalArgumentException("two auth.tokens entries stand for the same user");
        }
        if (tokens.stream().map(StaticToken::token).distinct().count() < tokens.size()) {
            throw new IllegalArgumentException("two auth.tokens entries hold the same token");
        }
    }

    /** The user of the entry at {@code index} (from 0) of {@code auth.tokens} when it has {@code name} (or none). */
    public static String user(int index, String name) {
        return "static:" + (name == null ? Integer.toString(index + 1) : name);
    }

    /** The user each entry stands for, in list order. */
    public List<String> users() {
        return users(tokens);
    }

    private static List<String> users(List<StaticToken> tokens) {
        List<String> users = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            users.add(user(i, tokens.get(i).name()));
        }
        return users;
    }

    /** Keeps the tokens out of logs that print the whole config. */
    @Override
    public String toString() {
        return "AuthConfig[tokens=" + tokens + "]";
    }
}
