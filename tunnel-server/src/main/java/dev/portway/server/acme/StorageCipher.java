package dev.portway.server.acme;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Encrypts private keys before they are stored, with AES-256-GCM under a key of the server's: a database dump or a
 * copied data folder alone gives no key away. Each value gets a fresh 96-bit nonce, and is bound to its label (the
 * certificate's name, or the account's directory) so a stored value cannot be swapped for another.
 *
 * <p>Format: version byte 1, nonce (12), ciphertext with its 128-bit tag. Thread-safe.
 */
public final class StorageCipher {
    public static final int KEY_BYTES = 32;
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    StorageCipher(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("expected a key of " + KEY_BYTES + " bytes, got " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * The key in {@code file}; when {@code create} and the file does not exist, a new random key is written there,
     * readable by its owner only, in a folder only its owner may enter when this creates the folder.
     */
    public static StorageCipher fromFile(Path file, boolean create) throws IOException {
        if (create && !Files.exists(file)) {
            byte[] fresh = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(fresh);
            Path folder = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            // Whole or not at all: written aside, then linked into place, which fails if another process of this data
            // folder made one first. A crash leaves no empty key file that would stop the next start.
            Path aside = Files.createTempFile(folder, file.getFileName() + ".", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.write(aside, fresh);
                Files.createLink(file, aside);
            } catch (FileAlreadyExistsException e) {
                // Another process made it first: use that one.
            } finally {
                Files.deleteIfExists(aside);
            }
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length != KEY_BYTES) {
            throw new IOException("expected " + KEY_BYTES + " random bytes in " + file + ", found " + key.length);
        }
        return new StorageCipher(key);
    }

    public byte[] encrypt(byte[] plain, String label) throws GeneralSecurityException {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(label.getBytes(StandardCharsets.UTF_8));
        byte[] sealed = cipher.doFinal(plain);
        byte[] out = new byte[1 + NONCE_BYTES + sealed.length];
        out[0] = VERSION;
        System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
        System.arraycopy(sealed, 0, out, 1 + NONCE_BYTES, sealed.length);
        return out;
    }

    /** @throws GeneralSecurityException the value was not sealed under this key and label, or was altered */
    public byte[] decrypt(byte[] stored, String label) throws GeneralSecurityException {
        if (stored.length < 1 + NONCE_BYTES || stored[0] != VERSION) {
            throw new GeneralSecurityException("not a value this server encrypted (unknown format)");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(stored, 1,
                1 + NONCE_BYTES)));
        cipher.updateAAD(label.getBytes(StandardCharsets.UTF_8));
        try {
            return cipher.doFinal(stored, 1 + NONCE_BYTES, stored.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new GeneralSecurityException("the stored key of " + label + " was encrypted under another storage key"
                    + " (every node of one database needs the same https.acme.storageKey), or was altered", e);
        }
    }
}
