package dev.portway.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
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
    void checkValidatesTheFileAndStartsNothing(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("server.yaml");
        // The port of a running server would make a real start fail; a check does not bind it.
        try (ServerSocket taken = new ServerSocket(0)) {
            Files.writeString(good, "controlPort: " + taken.getLocalPort() + "\ndataDir: " + dir.resolve("data")
                    + "\n");
            assertThat(run("--check", "-c", good.toString())).as(text(err)).isZero();
        }
        assertThat(text(out)).isEqualTo("ok: " + good + System.lineSeparator());
        assertThat(dir.resolve("data")).as("nothing started, nothing written").doesNotExist();

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "admin:\n  port: 70000\n");
        assertThat(run("--check", "-c", bad.toString())).isEqualTo(2);
        assertThat(text(err)).contains("bad.yaml: admin.port").doesNotContain("Exception");
        assertThat(text(out)).isEmpty();
    }

    @Test
    void checkNeedsAFile() {
        assertThat(run("--check")).isEqualTo(2);
        assertThat(text(err)).contains("--check needs -c FILE");
    }

    @Test
    void operatorCommandsHaveHelp() {
        assertThat(run("backup", "--help")).isZero();
        assertThat(text(out)).startsWith("Usage: tunnel-server backup --to FILE");
        assertThat(run("restore", "-h")).isZero();
        assertThat(text(out)).startsWith("Usage: tunnel-server restore --from FILE");
        assertThat(run("admin", "--help")).isZero();
        assertThat(text(out)).startsWith("Usage: tunnel-server admin")
                .contains("tunnels create NAME [--type tcp|udp|http]");
        assertThat(run("--help")).isZero();
        assertThat(text(out)).contains("backup --to FILE", "restore --from FILE", "admin RESOURCE VERB");
    }

    @Test
    void operatorCommandsRefuseBadArgumentsWithTwo() {
        assertThat(run("backup")).isEqualTo(2);
        assertThat(text(err)).contains("--to is required").contains("Usage: tunnel-server backup");
        assertThat(run("restore", "--from", "x.json", "--frobnicate")).isEqualTo(2);
        assertThat(text(err)).contains("unknown option \"--frobnicate\"");
        assertThat(run("admin", "users", "list", "--url", "http://127.0.0.1:1")).isEqualTo(2);
        assertThat(text(err)).contains("set PORTWAY_API_KEY or pass --key");
        assertThat(run("admin", "users", "delete", "alice", "--url", "http://127.0.0.1:1", "--key", "k")).isEqualTo(2);
        assertThat(text(err)).contains("expected a positive number, got \"alice\"");
        assertThat(run("admin", "users", "promote", "--url", "http://127.0.0.1:1", "--key", "k")).isEqualTo(2);
        assertThat(text(err)).contains("unknown command \"users promote\"");
        assertThat(run("admin", "users", "list", "--type", "tcp", "--url", "http://127.0.0.1:1", "--key", "k"))
                .isEqualTo(2);
        assertThat(text(err)).contains("admin users list takes no --type");
    }

    @Test
    void aBackupOfADataDirectoryWithoutADatabaseFailsAndCreatesNone(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("server.yaml"), "dataDir: " + dir.resolve("typo") + "\n");
        assertThat(run("backup", "--to", dir.resolve("b.json").toString(), "-c", config.toString())).isEqualTo(1);
        assertThat(text(err)).contains("There is no embedded PostgreSQL in " + dir.resolve("typo"));
        assertThat(dir.resolve("typo")).doesNotExist();
        assertThat(dir.resolve("b.json")).doesNotExist();
    }

    @Test
    void anUnreachableAdminApiExitsWithOne() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        assertThat(run("admin", "users", "list", "--url", "http://127.0.0.1:" + closed, "--key", "k")).isEqualTo(1);
        assertThat(text(err)).contains("cannot reach the admin API");
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
