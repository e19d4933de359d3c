package dev.portway.protocol.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a person reads stderr. Java 17 has no isatty, and {@link System#console()} speaks for stdin and stdout
 * only, so on Linux the answer is where file descriptor 2 points; elsewhere the console stands in for it.
 */
final class Terminal {
    private static final Path STDERR = Path.of("/proc/self/fd/2");

    private Terminal() {
    }

    static boolean stderr() {
        if (!Files.isSymbolicLink(STDERR)) {
            return System.console() != null;
        }
        try {
            return isTerminalDevice(Files.readSymbolicLink(STDERR).toString());
        } catch (IOException e) {
            return false;
        }
    }

    /** @param target where a file descriptor points: a device, a file, or {@code pipe:[…]} and the like */
    static boolean isTerminalDevice(String target) {
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }
}
