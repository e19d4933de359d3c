package dev.portway.server.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@code main} of this project run as a separate JVM on the test's class path, the way a user runs it, so a test can
 * kill it for real (kill -9). Its output lines are collected for {@link #awaitLine}.
 */
public final class JavaProcess implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    /** @param transcript where every output line is written too, for a look after a failed test; null for nowhere */
    private JavaProcess(Process process, Path transcript) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 Writer copy = transcript == null ? Writer.nullWriter() : Files.newBufferedWriter(transcript,
                         StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                    copy.write(line);
                    copy.write('\n');
                    copy.flush();
                }
            } catch (IOException ignored) {
                // The process was killed; its output ends here.
            }
        }, "java-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mainClass} with {@code args}; its stdout and stderr are read as one. */
    public static JavaProcess start(String mainClass, String... args) throws IOException {
        return startIn(null, mainClass, args);
    }

    /** Like {@link #start} with {@code workingDir} as the working directory (null: this JVM's). */
    public static JavaProcess startIn(Path workingDir, String mainClass, String... args) throws IOException {
        return launch(workingDir, null, List.of("-cp", System.getProperty("java.class.path"), mainClass), args);
    }

    /** Like {@link #start}, appending its output to {@code transcript} as well. */
    public static JavaProcess startLogged(Path transcript, String mainClass, String... args) throws IOException {
        return launch(null, transcript, List.of("-cp", System.getProperty("java.class.path"), mainClass), args);
    }

    /** {@code java -jar jar args} in {@code workingDir}: a packaged archive, run as its users run it. */
    public static JavaProcess startJar(Path workingDir, Path jar, String... args) throws IOException {
        return launch(workingDir, null, List.of("-jar", jar.toString()), args);
    }

    private static JavaProcess launch(Path workingDir, Path transcript, List<String> what, String... args)
            throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(what);
        command.addAll(List.of(args));
        return new JavaProcess(new ProcessBuilder(command).directory(workingDir == null ? null : workingDir.toFile())
                .redirectErrorStream(true).start(), transcript);
    }

    /** Waits for an output line that starts with {@code prefix}; returns it. */
    public String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        return awaitLine(line -> line.startsWith(prefix), "starting with \"" + prefix + "\"", timeout);
    }

    /** Waits for an output line that contains {@code part} (a log line, after its time and level); returns it. */
    public String awaitLineContaining(String part, Duration timeout) throws InterruptedException {
        return awaitLine(line -> line.contains(part), "containing \"" + part + "\"", timeout);
    }

    private String awaitLine(Predicate<String> wanted, String description, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.append(line).append('\n');
                if (wanted.test(line)) {
                    return line;
                }
            }
        }
        throw new AssertionError("no line " + description + " within " + timeout + "; output:\n" + seen);
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The process id, for reading its figures under /proc. */
    public long pid() {
        return process.pid();
    }

    /** SIGTERM, the way a service manager stops it; waits until the process is gone (its shutdown hooks ran). */
    public void stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running " + timeout + " after SIGTERM");
        }
    }

    /** kill -9, and waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
