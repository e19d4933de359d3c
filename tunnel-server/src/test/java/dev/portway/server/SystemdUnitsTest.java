package dev.portway.server;

import dev.portway.server.testkit.Programs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * systemd's own checks of {@code deploy/systemd}: {@code systemd-analyze verify} on both units (unknown settings,
 * bad values and missing programs are reported there), and the sysusers.d and tmpfiles.d snippets applied to an empty
 * root directory. Runs where systemd's tools are installed (Debian's {@code systemd} package), skipped elsewhere.
 */
@Timeout(60)
class SystemdUnitsTest {
    private static final Path SYSTEMD = Path.of("..", "deploy", "systemd").toAbsolutePath().normalize();

    @TempDir
    Path root;

    @Test
    void systemdAnalyzeAcceptsBothUnitsWithoutAWarning() throws Exception {
        assumeTrue(Programs.onPath("systemd-analyze"), "systemd-analyze is not on the PATH");
        Programs.Result verify = Programs.run(List.of("systemd-analyze", "verify",
                SYSTEMD.resolve("portway-server.service").toString(),
                SYSTEMD.resolve("portway-client.service").toString()));
        assertThat(verify.exitCode()).as(verify.output()).isZero();
        assertThat(verify.output()).isEmpty();
    }

    @Test
    void theUnitsRunAsTheUserTheSnippetsCreateAndMayWriteOnlyItsDataDirectory() throws Exception {
        assumeTrue(Programs.onPath("systemd-sysusers") && Programs.onPath("systemd-tmpfiles"),
                "systemd-sysusers or systemd-tmpfiles is not on the PATH");
        Files.createDirectories(root.resolve("etc"));
        Programs.Result users = Programs.run(List.of("systemd-sysusers", "--root=" + root,
                SYSTEMD.resolve("portway.sysusers.conf").toString()));
        assertThat(users.exitCode()).as(users.output()).isZero();
        Programs.Result dirs = Programs.run(List.of("systemd-tmpfiles", "--root=" + root, "--create",
                SYSTEMD.resolve("portway.tmpfiles.conf").toString()));
        assertThat(dirs.exitCode()).as(dirs.output()).isZero();

        assertThat(Files.readString(root.resolve("etc/passwd"))).startsWith("portway:x:")
                .contains(":/var/lib/portway:");
        assertThat(Files.getPosixFilePermissions(root.resolve("var/lib/portway")))
                .isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
        String server = Files.readString(SYSTEMD.resolve("portway-server.service"));
        assertThat(server).contains("User=portway\n", "ReadWritePaths=/var/lib/portway\n", "ProtectSystem=strict\n",
                "AmbientCapabilities=CAP_NET_BIND_SERVICE\n", "ExecReload=/bin/kill -HUP $MAINPID\n");
        assertThat(Files.readString(SYSTEMD.resolve("portway-client.service"))).contains("User=portway\n",
                "ProtectSystem=strict\n", "NoNewPrivileges=yes\n", "RestartPreventExitStatus=2 3 4\n",
                "ExecReload=/bin/kill -HUP $MAINPID\n");
    }
}
