package dev.portway.server.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;

/**
 * Writes a file that only its owner may read, whole or not at all: the content goes to a new 0600 file beside the
 * target, which replaces the target once complete. A backup holds token and key hashes and domain proof tokens, and
 * a backup cut short by a full disk must not overwrite the last good one.
 */
public final class PrivateFile {
    @FunctionalInterface
    public interface Content<T> {
        T writeTo(OutputStream out) throws IOException, SQLException;
    }

    private PrivateFile() {
    }

    public static <T> T write(Path target, Content<T> content) throws IOException, SQLException {
        Path absolute = target.toAbsolutePath();
        Path tmp = Files.createTempFile(absolute.getParent(), absolute.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            T result;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                result = content.writeTo(out);
            }
            Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return result;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
