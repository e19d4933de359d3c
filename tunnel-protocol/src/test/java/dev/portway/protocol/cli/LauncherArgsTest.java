package dev.portway.protocol.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LauncherArgsTest {
    @Test
    void readsEveryOption() {
        LauncherArgs args = LauncherArgs.parse(new String[] {"-c", "server.yaml", "--log-format", "text"});
        assertThat(args.config()).isEqualTo(Path.of("server.yaml"));
        assertThat(args.logFormat()).isEqualTo("text");
        assertThat(LauncherArgs.parse(new String[] {"--help"}).help()).isTrue();
        assertThat(LauncherArgs.parse(new String[] {"--version"}).version()).isTrue();
        assertThat(LauncherArgs.parse(new String[] {}).logFormat()).isNull();
        assertThat(LauncherArgs.parse(new String[] {"--check", "-c", "client.yaml"}).check()).isTrue();
    }

    @Test
    void withoutAFormatAPersonAtATerminalReadsTextAndAServiceManagerGetsJson() {
        LauncherArgs unset = LauncherArgs.parse(new String[] {});
        assertThat(unset.effectiveLogFormat(true)).isEqualTo("text");
        assertThat(unset.effectiveLogFormat(false)).isEqualTo("json");
        LauncherArgs json = LauncherArgs.parse(new String[] {"--log-format", "json"});
        assertThat(json.effectiveLogFormat(true)).isEqualTo("json");
        assertThat(LauncherArgs.parse(new String[] {"--log-format", "text"}).effectiveLogFormat(false)).isEqualTo("text");
    }

    @Test
    void terminalsAreTheDevicesFileDescriptorsPointAt() {
        assertThat(Terminal.isTerminalDevice("/dev/pts/3")).isTrue();
        assertThat(Terminal.isTerminalDevice("/dev/tty1")).isTrue();
        assertThat(Terminal.isTerminalDevice("pipe:[48213]")).isFalse();
        assertThat(Terminal.isTerminalDevice("/var/log/portway.log")).isFalse();
        assertThat(Terminal.isTerminalDevice("/dev/null")).isFalse();
    }

    @Test
    void explainsWhatIsWrong() {
        assertThatThrownBy(() -> LauncherArgs.parse(new String[] {"-c"})).hasMessage("-c needs a value");
        assertThatThrownBy(() -> LauncherArgs.parse(new String[] {"--log-format", "xml"}))
                .hasMessage("--log-format: expected json or text, got \"xml\"");
        assertThatThrownBy(() -> LauncherArgs.parse(new String[] {"--verbose"}))
                .hasMessage("unknown argument \"--verbose\"");
        assertThatThrownBy(() -> LauncherArgs.parse(new String[] {"--check"})).hasMessage("--check needs -c FILE");
    }
}
