package dev.portway.server;

import dev.portway.server.testkit.JavaProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The per-platform archives that {@code package} builds next to the all-platforms jars: each holds only its
 * platform's native libraries and PostgreSQL build, and the host's own server archive starts with its embedded
 * PostgreSQL, which proves the pruned jar still finds its binaries.
 */
@Timeout(180)
class PlatformJarsIT {
    private static final Pattern NATIVE = Pattern.compile("META-INF/native/[^/]+|postgres-[^/]+\\.txz");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "|", value = {
            "linux-x86_64  | libnetty_tcnative_linux_x86_64.so libnetty_transport_native_epoll_x86_64.so | postgres-linux-x86_64.txz",
            "linux-aarch64 | libnetty_tcnative_linux_aarch_64.so libnetty_transport_native_epoll_aarch_64.so | postgres-linux-arm_64.txz",
            "osx-x86_64    | libnetty_tcnative_osx_x86_64.jnilib | postgres-darwin-x86_64.txz",
            "osx-aarch64   | libnetty_tcnative_osx_aarch_64.jnilib | postgres-darwin-arm_64.txz"})
    void eachArchiveHoldsOnlyItsPlatformsNativeParts(String platform, String libraries, String postgres)
            throws Exception {
        List<String> natives = Arrays.stream(libraries.split(" ")).map(lib -> "META-INF/native/" + lib).toList();

        Path server = jar("tunnel-server", platform);
        assertThat(nativeEntries(server)).containsExactlyInAnyOrderElementsOf(
                Stream.concat(natives.stream(), Stream.of(postgres)).toList());
        assertThat(mainClass(server)).isEqualTo("dev.portway.server.ServerMain");
        assertThat(Files.size(server)).as("without the other platforms' PostgreSQL and OpenSSL builds")
                .isLessThan(Files.size(Path.of("target", "tunnel-server.jar")) / 3 * 2);

        Path client = jar("tunnel-client", platform);
        assertThat(nativeEntries(client)).containsExactlyInAnyOrderElementsOf(natives);
        assertThat(mainClass(client)).isEqualTo("dev.portway.client.ClientMain");
    }

    @Test
    void theLinuxX8664ServerArchiveStartsWithItsEmbeddedPostgres() throws Exception {
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"),
                "runs on the platform of the archive only");
        // Run as root, the embedded PostgreSQL runs as another user, which must be able to walk into the data dir.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path config = Files.writeString(dir.resolve("server.yaml"), """
                bind: 127.0.0.1
                controlPort: 0
                dataDir: state
                admin: {port: 0}
                http: {port: 0}
                https: {port: 0}
                """);
        Path jar = jar("tunnel-server", "linux-x86_64").toAbsolutePath();
        try (JavaProcess server = JavaProcess.startJar(dir, jar, "-c", config.toString(), "--log-format", "text")) {
            server.awaitLine("Admin API: ", Duration.ofSeconds(120));
            server.stop(Duration.ofSeconds(30));
        }
        assertThat(dir.resolve("state/postgres/PG_VERSION")).exists();
    }

    private static Path jar(String module, String platform) throws Exception {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of("..", module, "target"),
                module + "-*-" + platform + ".jar")) {
            jars.forEach(found::add);
        }
        assertThat(found).as(module + " archive for " + platform + ", built by package").hasSize(1);
        return found.get(0);
    }

    private static List<String> nativeEntries(Path jar) throws Exception {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(JarEntry::getName).filter(name -> NATIVE.matcher(name).matches()).toList();
        }
    }

    private static String mainClass(Path jar) throws Exception {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest().getMainAttributes().getValue("Main-Class");
        }
    }
}
