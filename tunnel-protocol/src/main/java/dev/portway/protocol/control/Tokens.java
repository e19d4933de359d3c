package dev.portway.protocol.control;

/** Secrets never reach a log whole: only a short prefix that lets an operator tell two tokens apart. */
public final class Tokens {
    private static final int VISIBLE_PREFIX = 4;

    private Tokens() {
    }

    public static String redact(String secret) {
        if (secret == null) {
            return "null";
        }
        return secret.length() <= VISIBLE_PREFIX * 2 ? "***" : secret.substring(0, VISIBLE_PREFIX) + "***";
    }
}
