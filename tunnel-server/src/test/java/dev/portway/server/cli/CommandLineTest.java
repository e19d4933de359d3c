package dev.portway.server.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandLineTest {
    private static final Set<String> VALUES = Set.of("--config", "--domain", "--to");
    private static final Set<String> SWITCHES = Set.of("--force");

    @Test
    void readsOptionsSwitchesAndWordsInAnyOrder() throws Exception {
        CommandLine line = CommandLine.parse(List.of("tunnels", "--domain", "a.example", "create", "-c", "s.yaml",
                "--force", "web", "--domain", "b.example"), VALUES, SWITCHES);
        assertThat(line.positional()).containsExactly("tunnels", "create", "web");
        assertThat(line.value("--config")).contains("s.yaml");
        assertThat(line.all("--domain")).containsExactly("a.example", "b.example");
        assertThat(line.value("--domain")).contains("b.example");
        assertThat(line.has("--force")).isTrue();
        assertThat(line.given()).containsExactlyInAnyOrder("--config", "--domain", "--force");
        assertThat(line.value("--to")).isEmpty();
        assertThatThrownBy(() -> line.required("--to")).hasMessage("--to is required");
    }

    @Test
    void explainsWhatIsWrong() {
        assertThatThrownBy(() -> CommandLine.parse(List.of("--to"), VALUES, SWITCHES)).hasMessage("--to needs a value");
        assertThatThrownBy(() -> CommandLine.parse(List.of("--tp", "x"), VALUES, SWITCHES))
                .hasMessage("unknown option \"--tp\"");
        assertThatThrownBy(() -> CommandLine.parse(List.of("a.json", "b.json"), VALUES, SWITCHES)
                .expectPositional(1, "FILE")).hasMessage("unexpected argument \"b.json\"");
        assertThatThrownBy(() -> CommandLine.parse(List.of(), VALUES, SWITCHES).expectPositional(1, "FILE"))
                .hasMessage("missing FILE");
    }
}
