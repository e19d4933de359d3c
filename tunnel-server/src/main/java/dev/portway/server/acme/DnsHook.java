package dev.portway.server.acme;

import org.shredzone.acme4j.exception.AcmeException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operator's program that publishes the TXT record of a dns-01 challenge, as certbot's and lego's hooks do:
 * run as {@code <hook> set <record name> <value>} before the CA is asked to look, and
 * {@code <hook> remove <record name> <value>} afterwards. It returns once the record is published (or removed), and
 * exits 0 on success.
 *
 * <p>Threading: blocks; the ACME thread only.
 */
final class DnsHook {
    /** A hook may wait for its DNS provider to publish; beyond this it is stopped and the order fails. */
    static final Duration TIMEOUT = Duration.ofSeconds(300);
    /** What of its output is kept for the error message. */
    private static final int OUTPUT_LIMIT = 2048;

    private final Path program;
    private final Duration timeout;

    DnsHook(Path program) {
        this(program, TIMEOUT);
    }

    DnsHook(Path program, Duration timeout) {
        this.program = program;
        this.timeout = timeout;
    }

    void set(String recordName, String value) throws AcmeException, InterruptedException {
        run("set", recordName, value);
    }

    void remove(String recordName, String value) throws AcmeException, InterruptedException {
        run("remove", recordName, value);
    }

    private void run(String action, String recordName, String value) throws AcmeException, InterruptedException {
        Path output = null;
        try {
            // To a file, not a pipe: reading a pipe to its end would wait for a hook that hangs, or for a child it
            // left running with the pipe open, and the timeout would never be reached.
            output = Files.createTempFile("portway-dns-hook", ".out",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Process process = new ProcessBuilder(List.of(program.toString(), action, recordName, value))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AcmeException("https.acme.dnsHook " + action + " " + recordName + " still running after "
                        + timeout.toSeconds() + " s; stopped");
            }
            if (process.exitValue() != 0) {
                throw new AcmeException("https.acme.dnsHook " + action + " " + recordName + " exited "
                        + process.exitValue() + ": " + firstBytes(output).strip());
            }
        } catch (IOException e) {
            throw new AcmeException("cannot run https.acme.dnsHook " + program + ": " + e.getMessage(), e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temporary file in the temporary directory: left for the system to clean
                }
            }
        }
    }

    private static String firstBytes(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(OUTPUT_LIMIT), StandardCharsets.UTF_8);
        }
    }
}
