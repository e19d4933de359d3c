package dev.portway.server.acme;

import org.shredzone.acme4j.exception.AcmeException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
    private static final long TIMEOUT_SECONDS = 300;
    /** What of its output is kept for the error message. */
    private static final int OUTPUT_LIMIT = 2048;

    private final Path program;

    DnsHook(Path program) {
        this.program = program;
    }

    void set(String recordName, String value) throws AcmeException, InterruptedException {
        run("set", recordName, value);
    }

    void remove(String recordName, String value) throws AcmeException, InterruptedException {
        run("remove", recordName, value);
    }

    private void run(String action, String recordName, String value) throws AcmeException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(List.of(program.toString(), action, recordName, value))
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
        } catch (IOException e) {
            throw new AcmeException("cannot run https.acme.dnsHook " + program + ": " + e.getMessage(), e);
        }
        String output;
        try (InputStream out = process.getInputStream()) {
            output = new String(out.readNBytes(OUTPUT_LIMIT), StandardCharsets.UTF_8);
            // The rest is read and dropped: a hook that writes a lot must not block on a full pipe.
            out.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            output = "";
        }
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AcmeException("https.acme.dnsHook " + action + " " + recordName + " still running after "
                    + TIMEOUT_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            throw new AcmeException("https.acme.dnsHook " + action + " " + recordName + " exited "
                    + process.exitValue() + ": " + output.strip());
        }
    }
}
