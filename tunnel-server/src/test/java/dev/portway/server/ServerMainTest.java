package dev.portway.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ServerMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void helpAndVersionExitZero() {
        assertThat(run("--help")).isZero();
        assertThat(text(out)).contains("Usage: tunnel-server");
        assertThat(run("--version")).isZero();
        assertThat(text(out)).contains("tunnel-server ");
    }

    @Test
    void aConfigErrorExitsWithTwoAndNamesFileAndField(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("server.yaml");
        Files.writeString(config, "controlPort: seventy\n");
        assertThat(run("-c", config.toString())).isEqualTo(2);
        assertThat(text(err)).contains("server.yaml").contains("controlPort").doesNotContain("Exception");
    }

    @Test
    void aBadArgumentExitsWithTwoAndPrintsUsage() {
        assertThat(run("--frobnicate")).isEqualTo(2);
        assertThat(text(err)).contains("unknown argument").contains("Usage:");
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return ServerMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
