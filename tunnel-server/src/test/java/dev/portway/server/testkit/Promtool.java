package dev.portway.server.testkit;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's {@code promtool}, where it is on the PATH (Debian's {@code prometheus} package; {@code .ci/run} unpacks
 * it into {@code .ci/cache/}). Tests that need it assume {@link #available()} and are skipped elsewhere.
 */
public final class Promtool {
    /** What promtool printed (stdout and stderr) and its exit code. */
    public record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    public static boolean available() {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "promtool")));
    }

    /** Runs {@code promtool args...} with {@code input} on its stdin (null: none). */
    public static Result run(String input, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream stdin = process.getOutputStream()) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("promtool " + String.join(" ", args) + " did not finish in 30 s");
        }
        return new Result(process.exitValue(), output);
    }
}
