package dev.portway.client;

import dev.portway.client.config.ClientConfig;
import dev.portway.client.config.ClientTlsConfig;
import dev.portway.client.config.ServerAddress;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    @Test
    void checkValidatesTheFileAndStartsNothing(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("client.yaml");
        Files.writeString(good, """
                server: 127.0.0.1:1
                token: a-token-for-the-check
                tls:
                  fingerprint: "sha256:%s"
                tunnels:
                  - name: ssh
                    type: tcp
                    local: 127.0.0.1:22
                """.formatted("ab".repeat(32)));
        assertThat(run("--check", "-c", good.toString())).as(text(err)).isZero();
        assertThat(text(out)).isEqualTo("ok: " + good + System.lineSeparator());

        Path bad = dir.resolve("bad-client.yaml");
        Files.writeString(bad, Files.readString(good).replace("type: tcp", "type: smtp"));
        assertThat(run("--check", "-c", bad.toString())).isEqualTo(2);
        assertThat(text(err)).contains("bad-client.yaml: tunnels[0].type").doesNotContain("Exception");
        assertThat(text(out)).isEmpty();
    }

    /** Documented in ClientMain and the README: a script tells a wrong certificate from a wrong token by them. */
    @Test
    void failuresThatRetryingCannotFixHaveExitCodesOfTheirOwn() {
        assertThat(ClientMain.exitCode(Termination.Kind.STOPPED)).isZero();
        assertThat(ClientMain.exitCode(Termination.Kind.REPLACED)).isEqualTo(1);
        assertThat(ClientMain.exitCode(Termination.Kind.SERVER_NOT_TRUSTED)).isEqualTo(3);
        assertThat(ClientMain.exitCode(Termination.Kind.AUTH_REFUSED)).isEqualTo(4);
    }

    @Test
    void aTunnelServedOverHttpAndHttpsShowsBothUrls() {
        ClientConfig config = ClientConfig.of(new HostPort("tunnel.example.com", 7000), "t",
                ClientTlsConfig.insecureNoVerification(), List.of(new TunnelConfig("web", TunnelType.HTTP,
                        new HostPort("127.0.0.1", 8080), 0, new HttpOptions("app", null, null, null, null, null, null,
                        null), null)));
        PrintStream console = new PrintStream(out, true, StandardCharsets.UTF_8);
        new ClientMain.ConsoleEvents(config, console).onRegistered(config.server(), List.of(TunnelResult.Status.accepted("web",
                "http://app.tunnel.example.com", List.of("https://app.tunnel.example.com"))));
        assertThat(text(out)).isEqualTo(
                "web  http  http://app.tunnel.example.com, https://app.tunnel.example.com -> 127.0.0.1:8080\n");
    }

    @Test
    void aPortWithoutAHostIsShownOnTheAddressTheSessionReached() {
        ClientConfig config = ClientConfig.of(new HostPort("a.example.com", 7000), "t",
                ClientTlsConfig.insecureNoVerification(), List.of(new TunnelConfig("ssh", TunnelType.TCP,
                        new HostPort("127.0.0.1", 22), 2222)));
        PrintStream console = new PrintStream(out, true, StandardCharsets.UTF_8);
        new ClientMain.ConsoleEvents(config, console).onRegistered(
                ServerAddress.direct(new HostPort("b.example.com", 7000)),
                List.of(TunnelResult.Status.accepted("ssh", ":2222")));
        assertThat(text(out)).isEqualTo("ssh  tcp  b.example.com:2222 -> 127.0.0.1:22\n");
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
