package dev.portway.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ClientMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void helpAndVersionExitZero() {
        assertThat(run("--help")).isZero();
        assertThat(text(out)).contains("Usage: tunnel-client");
        assertThat(run("--version")).isZero();
        assertThat(text(out)).contains("tunnel-client ");
    }

    @Test
    void theConfigFileIsRequired() {
        assertThat(run()).isEqualTo(2);
        assertThat(text(err)).contains("-c client.yaml is required");
    }

    @Test
    void aConfigErrorExitsWithTwoAndNamesFileFieldAndExpectation(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("client.yaml");
        Files.writeString(config, """
                server: example.com:7000
                token: abc
                tls:
                  insecure: true
                tunnels:
                  - name: ssh
                    type: tcp
                    local: 127.0.0.1:22
                  - name: web
                    type: tcp
                    local: "22"
                """);
        assertThat(run("-c", config.toString())).isEqualTo(2);
        assertThat(text(err)).contains("client.yaml: tunnels[1].local: expected host:port, got \"22\"")
                .doesNotContain("Exception");
    }

    /** Documented in ClientMain and the README: a script tells a wrong certificate from a wrong token by them. */
    @Test
    void failuresThatRetryingCannotFixHaveExitCodesOfTheirOwn() {
        assertThat(ClientMain.exitCode(Termination.Kind.STOPPED)).isZero();
        assertThat(ClientMain.exitCode(Termination.Kind.REPLACED)).isEqualTo(1);
        assertThat(ClientMain.exitCode(Termination.Kind.SERVER_NOT_TRUSTED)).isEqualTo(3);
        assertThat(ClientMain.exitCode(Termination.Kind.AUTH_REFUSED)).isEqualTo(4);
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return ClientMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
