package dev.portway.server.cluster.link;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * What the two ends of a node-to-node link show each other to prove they know {@code cluster.secret}, without the
 * secret crossing the wire: an HMAC-SHA256 keyed by the secret over both ends' fresh nonces, the speaker's role and
 * name, and the SHA-256 of the certificate the accepting node presented. The nonces make a recorded proof useless
 * later; the role and name keep one end's proof from being reflected as the other's; the certificate binds the proof
 * to this TLS connection, so a machine in the middle, which must present a certificate of its own, cannot relay it.
 */
final class LinkProof {
    static final int NONCE_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    enum Role { DIALER, ACCEPTOR }

    private final SecretKeySpec key;

    LinkProof(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    static String nonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return ENCODER.encodeToString(nonce);
    }

    /** The proof {@code speaker} in {@code role} gives; nonces as sent on the wire. */
    String proof(Role role, String speaker, String dialerNonce, String acceptorNonce, byte[] acceptorCertificate) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            String text = "portway node link v1\0" + role + "\0" + speaker + "\0" + dialerNonce + "\0" + acceptorNonce
                    + "\0";
            mac.update(text.getBytes(StandardCharsets.UTF_8));
            mac.update(MessageDigest.getInstance("SHA-256").digest(acceptorCertificate));
            return ENCODER.encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
        }
    }

    /** Constant time, so the time an answer takes says nothing about how much of a guess was right. */
    boolean matches(String expected, String given) {
        byte[] a;
        byte[] b;
        try {
            a = DECODER.decode(expected);
            b = DECODER.decode(given);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        return MessageDigest.isEqual(a, b);
    }

    /** Whether {@code nonce} is one this version would send: base64url of {@link #NONCE_BYTES} bytes. */
    static boolean wellFormedNonce(String nonce) {
        try {
            return DECODER.decode(nonce).length == NONCE_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
