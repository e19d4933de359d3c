package dev.portway.server.acme;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Private keys at rest: sealed and opened under one key and label, refused under any other. */
class StorageCipherTest {
    @TempDir
    Path dir;

    @Test
    void aKeyFileIsCreatedOnceReadableByItsOwnerOnlyAndReadAgain() throws Exception {
        Path file = dir.resolve("acme/storage.key");
        StorageCipher first = StorageCipher.fromFile(file, true);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.size(file)).isEqualTo(StorageCipher.KEY_BYTES);
        assertThat(Files.getPosixFilePermissions(file.getParent())).as("the folder it made")
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        try (var left = Files.list(file.getParent())) {
            assertThat(left).as("nothing written aside is left").containsExactly(file);
        }
        byte[] sealed = first.encrypt("secret".getBytes(StandardCharsets.UTF_8), "app.example.test");

        StorageCipher again = StorageCipher.fromFile(file, true);
        assertThat(new String(again.decrypt(sealed, "app.example.test"), StandardCharsets.UTF_8)).isEqualTo("secret");
    }

    @Test
    void anotherKeyALabelOfAnotherValueOrAnAlteredByteIsRefused() throws Exception {
        StorageCipher cipher = new StorageCipher(new byte[StorageCipher.KEY_BYTES]);
        byte[] sealed = cipher.encrypt("secret".getBytes(StandardCharsets.UTF_8), "a.example.test");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("secret");

        byte[] otherKey = new byte[StorageCipher.KEY_BYTES];
        otherKey[0] = 1;
        assertThatThrownBy(() -> new StorageCipher(otherKey).decrypt(sealed, "a.example.test"))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("another storage key");
        assertThatThrownBy(() -> cipher.decrypt(sealed, "b.example.test"))
                .isInstanceOf(GeneralSecurityException.class);
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> cipher.decrypt(sealed, "a.example.test"))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void aKeyFileOfTheWrongSizeIsNamed() throws Exception {
        Path file = Files.write(dir.resolve("short.key"), new byte[16]);
        assertThatThrownBy(() -> StorageCipher.fromFile(file, false))
                .hasMessageContaining("expected 32 random bytes in " + file);
    }
}
