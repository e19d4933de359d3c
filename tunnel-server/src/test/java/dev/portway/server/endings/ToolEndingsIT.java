package dev.portway.server.endings;

import dev.portway.server.endings.Peer.Ending;
import dev.portway.server.endings.Peer.Received;
import dev.portway.server.endings.Peer.Sent;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.portway.server.endings.TcpEndingsIT.BIG;
import static dev.portway.server.testkit.TunnelFixture.port;
import static dev.portway.server.testkit.TunnelFixture.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The public side driven by the tools people use (Debian's socat and OpenBSD nc, installed by .ci/run): each sends a
 * file, half-closes at its end of input, and writes what comes back to a file. The local service reads the upload to
 * its end, then answers 16 MiB and closes; both files must be whole.
 */
@Timeout(60)
class ToolEndingsIT {
    private static TunnelFixture fixture;
    private static ScriptedService service;
    private static int publicPort;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        fixture = new TunnelFixture();
        service = new ScriptedService();
        fixture.startServer();
        publicPort = port(fixture.connect("tools", new RecordingEvents(), tcp("tools", service.port(), 0)).get(0));
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
        fixture.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"socat", "nc"})
    void aToolThatHalfClosesAfterItsUploadReceivesTheWholeAnswer(String tool) throws Exception {
        List<String> command = switch (tool) {
            // -t: after its input ends, wait for the other direction instead of the default half second.
            case "socat" -> List.of("socat", "-t", "30", "-", "TCP:127.0.0.1:" + publicPort);
            // -N: shut the socket down for writing at the end of input (OpenBSD nc).
            case "nc" -> List.of("nc", "-N", "127.0.0.1", String.valueOf(publicPort));
            default -> throw new IllegalArgumentException(tool);
        };
        assumeTrue(onPath(command.get(0)), tool + " is not installed");
        byte[] upload = new byte[3 * 1024 * 1024 + 17];
        new Random(tool.hashCode()).nextBytes(upload);
        Path in = Files.write(dir.resolve("upload"), upload);
        Path out = dir.resolve("download");

        Process process = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
                .redirectError(dir.resolve("stderr").toFile()).start();
        Peer local = service.next();
        Received uploaded = local.received(30, TimeUnit.SECONDS);
        CompletableFuture<Sent> answer = local.sendAsync(BIG, 8);
        Sent sent = answer.get(30, TimeUnit.SECONDS);
        local.fullClose();

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(tool + " exits").isTrue();
        assertThat(uploaded).isEqualTo(new Received(upload.length, Peer.sha256Hex(upload), Ending.FIN));
        byte[] downloaded = Files.readAllBytes(out);
        assertThat(downloaded.length).isEqualTo(sent.bytes());
        assertThat(Peer.sha256Hex(downloaded)).isEqualTo(sent.sha256());
        assertThat(process.exitValue()).as(tool + " exit status").isZero();
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
