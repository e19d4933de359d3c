package dev.portway.server;

import dev.portway.server.testkit.TunnelFixture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Runs {@code tunnel-client} as a separate JVM, the way a user does, so a test can kill it for real. */
final class ClientProcess {
    private static final ConcurrentHashMap<Process, BlockingQueue<String>> OUTPUT = new ConcurrentHashMap<>();

    private ClientProcess() {
    }

    static Process start(TunnelFixture fixture, int localPort, int remotePort) throws IOException {
        Path dir = Files.createTempDirectory("portway-client");
        Path config = dir.resolve("client.yaml");
        Files.writeString(config, """
                server: 127.0.0.1:%d
                token: %s
                tls:
                  fingerprint: "%s"
                tunnels:
                  - name: echo
                    type: tcp
                    local: 127.0.0.1:%d
                    remotePort: %d
                """.formatted(fixture.controlAddress().getPort(), TunnelFixture.TOKEN, fixture.server().certificateFingerprint(),
                localPort, remotePort));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "dev.portway.client.ClientMain", "-c", config.toString(), "--log-format", "text")
                .redirectErrorStream(true)
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        OUTPUT.put(process, lines);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // The process was killed; its output ends here.
            }
        }, "client-process-output");
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    /** Waits for an output line that starts with {@code prefix}; returns it. */
    static String awaitLine(Process process, String prefix, Duration timeout) throws InterruptedException {
        BlockingQueue<String> lines = OUTPUT.get(process);
        long deadline = System.nanoTime() + timeout.toNanos();
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.append(line).append('\n');
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }
        throw new AssertionError("no line starting with \"" + prefix + "\" within " + timeout + "; output:\n" + seen);
    }
}
