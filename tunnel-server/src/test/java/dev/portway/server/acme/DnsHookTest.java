package dev.portway.server.acme;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.shredzone.acme4j.exception.AcmeException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class DnsHookTest {
    @TempDir
    Path dir;

    private Path hook(String body) throws Exception {
        Path file = Files.writeString(dir.resolve("hook"), "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    @Test
    void aHookThatHangsIsStoppedAtTheTimeoutAndTheOrderFails() throws Exception {
        Path pid = dir.resolve("pid");
        DnsHook hook = new DnsHook(hook("echo $$ > " + pid + "\nexec sleep 600"), Duration.ofSeconds(1));
        long started = System.nanoTime();
        assertThatThrownBy(() -> hook.set("_acme-challenge.example.test", "v"))
                .isInstanceOf(AcmeException.class).hasMessageContaining("still running after 1 s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        long hookPid = Long.parseLong(Files.readString(pid).trim());
        ProcessHandle.of(hookPid).ifPresent(p -> assertThat(p.onExit()).succeedsWithin(Duration.ofSeconds(5)));
    }

    @Test
    void aHookThatLeavesAChildHoldingItsOutputReturnsWhenItExits() throws Exception {
        // The child keeps the output open for ten minutes; the hook itself is done at once.
        Path child = dir.resolve("child");
        DnsHook hook = new DnsHook(hook("sleep 600 &\necho $! > " + child + "\necho published"),
                Duration.ofSeconds(10));
        long started = System.nanoTime();
        try {
            hook.set("_acme-challenge.example.test", "v");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        } finally {
            ProcessHandle.of(Long.parseLong(Files.readString(child).trim())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aFailingHookIsReportedWithTheStartOfItsOutput() throws Exception {
        DnsHook hook = new DnsHook(hook("echo \"no such zone: $2\" >&2\nhead -c 100000 /dev/zero | tr '\\\\0' x\nexit 3"),
                Duration.ofSeconds(10));
        assertThatThrownBy(() -> hook.remove("_acme-challenge.example.test", "v"))
                .isInstanceOf(AcmeException.class)
                .hasMessageContaining("exited 3: no such zone: _acme-challenge.example.test")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(2200));
    }
}
