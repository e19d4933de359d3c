package dev.portway.storage.tokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Secrets handed to people: 32 random bytes, base64url, behind a recognisable prefix ({@code pwt_} client token,
 * {@code pwk_} API key) so that a leaked one is easy to spot in a repository or a log. Only their SHA-256 is stored:
 * a plain hash suffices because the secret has 256 random bits, nothing to guess.
 */
public final class SecretTokens {
    public static final String CLIENT_TOKEN_PREFIX = "pwt_";
    public static final String API_KEY_PREFIX = "pwk_";
    /** How much of a secret is stored and shown to tell secrets apart. */
    public static final int DISPLAY_PREFIX_LENGTH = 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretTokens() {
    }

    public static String generate(String prefix) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
    }

    public static String hashHex(String secret) {
        return HexFormat.of().formatHex(hash(secret));
    }

    public static String displayPrefix(String secret) {
        return secret.substring(0, Math.min(DISPLAY_PREFIX_LENGTH, secret.length()));
    }
}
