package dev.portway.server.testkit;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Tools of the host that a test runs when they are installed (promtool, systemd-analyze), and skips without. */
public final class Programs {
    private Programs() {
    }

    /** The result of one run: stdout and stderr together. */
    public record Result(int exitCode, String output) {
    }

    public static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    /** Runs {@code command} to its end (at most 30 s). */
    public static Result run(List<String> command) throws IOException, InterruptedException {
        return run(null, command);
    }

    /** Runs {@code command} to its end (at most 30 s) with {@code input} on its stdin (null: none). */
    public static Result run(String input, List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream stdin = process.getOutputStream()) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " still running after 30 s; output:\n" + output);
        }
        return new Result(process.exitValue(), output);
    }
}
