package dev.portway.protocol.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigReaderTest {
    private static final Duration MS = Duration.ofMillis(1);
    private static final Duration HOUR = Duration.ofHours(1);

    private static ConfigReader parse(String yaml) throws ConfigException {
        return ConfigReader.parse("test.yaml", yaml, Path.of("/etc/portway"));
    }

    private static List<String> problems(ConfigReader reader) {
        return reader.problems();
    }

    @Test
    void readsEveryKindOfValue() throws Exception {
        ConfigReader reader = parse("""
                name: web
                count: 12
                ratio: 1.5
                on: true
                wait: 500ms
                plain: 30
                target: "[::1]:8080"
                host: example.com
                ports: 2000-3000,5353
                file: certs/ca.pem
                kind: tcp
                nested: {a: 1}
                items:
                  - {a: 2}
                  - {a: 3}
                words: [x, y]
                """);
        ConfigObject root = reader.root("name", "count", "ratio", "on", "wait", "plain", "target", "host", "ports",
                "file", "kind", "nested", "items", "words");
        assertThat(root.requiredString("name")).isEqualTo("web");
        assertThat(root.integer("count", 0, 0, 100)).isEqualTo(12);
        assertThat(root.decimal("ratio", 0, 1, 10)).isEqualTo(1.5);
        assertThat(root.bool("on", false)).isTrue();
        assertThat(root.duration("wait", null, MS, HOUR)).isEqualTo(Duration.ofMillis(500));
        assertThat(root.duration("plain", null, MS, HOUR)).isEqualTo(Duration.ofSeconds(30));
        assertThat(root.hostPort("target", true, -1)).isEqualTo(new HostPort("::1", 8080));
        assertThat(root.hostPort("host", true, 7000)).isEqualTo(new HostPort("example.com", 7000));
        assertThat(root.portRanges("ports", null).toString()).isEqualTo("2000-3000,5353");
        assertThat(root.path("file")).isEqualTo(Path.of("/etc/portway/certs/ca.pem"));
        assertThat(root.choice("kind", true, Map.of("tcp", 1))).isEqualTo(1);
        assertThat(root.object("nested", "a").orElseThrow().integer("a", 0, 0, 9)).isEqualTo(1);
        assertThat(root.objects("items", "a")).extracting(o -> o.integer("a", 0, 0, 9)).containsExactly(2, 3);
        assertThat(root.strings("words")).containsExactly("x", "y");
        assertThat(root.integer("absent", 7, 0, 9)).isEqualTo(7);
        assertThat(root.duration("absent", Duration.ofSeconds(3), MS, HOUR)).isEqualTo(Duration.ofSeconds(3));
        assertThat(problems(reader)).isEmpty();
    }

    @Test
    void reportsUnknownKeysWithTheirPathAndTheKnownOnes() throws Exception {
        ConfigReader reader = parse("""
                tunnels:
                  - name: ssh
                    remote_port: 22
                """);
        reader.root("tunnels").objects("tunnels", "name", "type", "local", "remotePort");
        assertThat(problems(reader)).containsExactly(
                "test.yaml: tunnels[0].remote_port: unknown field; expected one of name, type, local, remotePort");
    }

    @Test
    void collectsEveryProblemInsteadOfStoppingAtTheFirst() throws Exception {
        ConfigReader reader = parse("""
                count: 100000
                on: "yes"
                wait: ten
                target: "22"
                nested: [1]
                kind: udp
                """);
        ConfigObject root = reader.root("count", "on", "wait", "target", "nested", "kind");
        root.integer("count", 0, 0, 65535);
        root.bool("on", false);
        root.duration("wait", Duration.ofSeconds(1), MS, HOUR);
        root.hostPort("target", true, -1);
        root.object("nested", "a");
        root.choice("kind", true, Map.of("tcp", 1));
        root.requiredString("name");
        assertThat(problems(reader)).containsExactly(
                "test.yaml: count: expected an integer between 0 and 65535, got 100000",
                "test.yaml: on: expected true or false, got \"yes\"",
                "test.yaml: wait: expected a duration such as 10s, 500ms, 2m, 1h or a number of seconds, got \"ten\"",
                "test.yaml: target: expected host:port, got \"22\"",
                "test.yaml: nested: expected a mapping, got a list",
                "test.yaml: kind: expected one of tcp, got \"udp\"",
                "test.yaml: name: expected a non-empty string, got nothing");
        assertThatThrownBy(reader::throwIfProblems)
                .isInstanceOf(ConfigException.class)
                .hasMessage(String.join("\n", problems(reader)))
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(7));
    }

    @Test
    void durationOutsideItsRangeNamesTheRange() throws Exception {
        ConfigReader reader = parse("wait: 2h\n");
        reader.root("wait").duration("wait", Duration.ofSeconds(1), MS, HOUR);
        assertThat(problems(reader)).containsExactly("test.yaml: wait: expected a duration between 1ms and 1h, got \"2h\"");
    }

    @Test
    void secretsAreDescribedByLengthNeverByContent() throws Exception {
        ConfigReader reader = parse("""
                token: short-secret
                tokens: [abcdefghijklmnopqrstuvwxyz, tiny, 123456]
                """);
        ConfigObject root = reader.root("token", "tokens");
        assertThat(root.secret("token", true, 16)).isNull();
        assertThat(root.secrets("tokens", 16)).containsExactly("abcdefghijklmnopqrstuvwxyz");
        assertThat(problems(reader)).containsExactly(
                "test.yaml: token: expected a secret of at least 16 characters, got a secret of 12 characters",
                "test.yaml: tokens[1]: expected a secret of at least 16 characters, got a secret of 4 characters",
                "test.yaml: tokens[2]: expected a secret string, got a number");
        assertThat(String.join("\n", problems(reader))).doesNotContain("short-secret", "tiny", "123456");
    }

    @Test
    void aListMayMixSecretsAndMappings() throws Exception {
        ConfigReader reader = parse("""
                tokens:
                  - abcdefghijklmnopqrstuvwxyz
                  - {name: ci, token: zyxwvutsrqponmlkjihgfedcba, colour: red}
                  - tiny
                  - 1234567890123456
                  - [nested]
                """);
        List<ConfigObject.SecretOrMapping> items = reader.root("tokens").secretsOrMappings("tokens", 16, "name", "token");
        assertThat(items).extracting(ConfigObject.SecretOrMapping::index).containsExactly(0, 1);
        assertThat(items.get(0).secret()).isEqualTo("abcdefghijklmnopqrstuvwxyz");
        assertThat(items.get(0).mapping()).isNull();
        ConfigObject mapping = items.get(1).mapping();
        assertThat(mapping.path()).isEqualTo("tokens[1]");
        assertThat(mapping.requiredString("name")).isEqualTo("ci");
        assertThat(problems(reader)).containsExactly(
                "test.yaml: tokens[1].colour: unknown field; expected one of name, token",
                "test.yaml: tokens[2]: expected a secret of at least 16 characters, got a secret of 4 characters",
                "test.yaml: tokens[3]: expected a secret string or a mapping with name, token, got a number",
                "test.yaml: tokens[4]: expected a secret string or a mapping with name, token, got a list");
        assertThat(String.join("\n", problems(reader))).doesNotContain("tiny", "1234567890123456");
    }

    @Test
    void missingFileIsReportedWithItsPath(@TempDir Path dir) throws Exception {
        ConfigReader reader = ConfigReader.parse("x.yaml", "file: nope.pem\n", dir);
        reader.root("file").existingFile("file", "a PEM file");
        assertThat(problems(reader)).containsExactly(
                "x.yaml: file: expected a PEM file that exists, got \"" + dir.resolve("nope.pem") + "\"");
    }

    @Test
    void yamlSyntaxErrorNamesFileLineAndColumn() {
        assertThatThrownBy(() -> parse("""
                server: example.com:7000
                tunnels:
                  - name: ssh
                   local: x
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.yaml: line 4, column ")
                .hasMessageContaining("invalid YAML: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "Exception", "\tat "));
    }

    @Test
    void duplicateKeysAreASyntaxError() {
        assertThatThrownBy(() -> parse("token: a\ntoken: b\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.yaml: line 2, column ")
                .hasMessageContaining("token");
    }

    @Test
    void emptyFileIsAnEmptyMappingAndTopLevelListIsReported() throws Exception {
        ConfigReader empty = parse("");
        empty.root("a").requiredString("a");
        assertThat(problems(empty)).containsExactly("test.yaml: a: expected a non-empty string, got nothing");

        ConfigReader list = parse("- a\n");
        list.root("a");
        assertThat(problems(list)).containsExactly("test.yaml: (top level): expected a mapping, got a list");
    }

    @Test
    void readsFromDiskAndResolvesAgainstTheFilesDirectory(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.yaml");
        Files.writeString(file, "ca: ca.pem\n");
        ConfigReader reader = ConfigReader.read(file);
        assertThat(reader.fileName()).isEqualTo("client.yaml");
        assertThat(reader.root("ca").path("ca")).isEqualTo(dir.toAbsolutePath().resolve("ca.pem"));
        assertThatThrownBy(() -> ConfigReader.read(dir.resolve("missing.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("missing.yaml: cannot read: no such file");
    }
}
