package dev.portway.server;

import dev.portway.server.testkit.HaproxyProcess;
import dev.portway.server.testkit.Programs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * HAProxy's own check ({@code haproxy -c}) of the deployment example {@code deploy/haproxy/haproxy.cfg}, as shipped and
 * as {@link HaproxyProcess} runs it on loopback, where nothing of the example's addresses may be left. Runs where
 * Debian's {@code haproxy} is installed, skipped elsewhere.
 */
@Timeout(60)
class HaproxyExampleTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needsHaproxy() {
        assumeTrue(HaproxyProcess.installed(), "haproxy is not installed");
    }

    @Test
    void haproxyAcceptsTheExampleAsShipped() throws Exception {
        assertValid(HaproxyProcess.EXAMPLE);
    }

    @Test
    void theLoopbackFormKeepsEveryLineButTheAddressesPortsAndSocket() throws Exception {
        Path socket = dir.resolve("stats.sock");
        String loopback = HaproxyProcess.config(new HaproxyProcess.Layout(
                List.of("127.0.0.11", "127.0.0.12", "127.0.0.13"), 27000, 27080, 27500, 28000, 28099), socket);
        assertThat(loopback).doesNotContain("10.0.0.", "192.0.2.10", ":7000", ":80\n", ":8080", "port 7500",
                "20000-20099", "/run/haproxy").contains("bind 127.0.0.1:27000\n", "bind 127.0.0.1:27080\n",
                "bind 127.0.0.1:28000-28099\n", "server node-c 127.0.0.13:27080\n", "check port 27500",
                "stats socket " + socket + " ");
        assertThat(loopback.lines().count()).isEqualTo(Files.readString(HaproxyProcess.EXAMPLE).lines().count());
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, loopback);
        assertValid(cfg);
    }

    private static void assertValid(Path cfg) throws Exception {
        Programs.Result check = Programs.run(List.of(HaproxyProcess.HAPROXY, "-c", "-f", cfg.toString()));
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("Configuration file is valid").doesNotContain("[WARNING]");
    }
}
