package dev.portway.server.https;

import dev.portway.server.config.HttpsCertificateConfig;
import dev.portway.server.testkit.TestCa;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Certificate files read again when they change, with the checks of the start; a bad new file changes nothing. */
class CertificateFilesTest {
    private static final String HOST = "app.example.test";

    @TempDir
    Path dir;

    @Test
    void aRenewedFileIsServedAndABadOneKeepsTheCertificateInUse() throws Exception {
        TestCa ca = TestCa.create("portway-test-ca");
        TestCa.PemFiles files = ca.issue(HOST).written(dir, "app");
        CertificateFiles certificates = CertificateFiles.load(List.of(
                new HttpsCertificateConfig(List.of(HOST), files.cert(), files.key())));
        SslContext first = certificates.contextFor(HOST).orElseThrow();
        assertThat(certificates.reloadIfChanged()).isEmpty();

        ca.issue(HOST).written(dir, "app");
        touch(files.cert(), 1);
        assertThat(certificates.reloadIfChanged()).contains(Optional.empty());
        SslContext renewed = certificates.contextFor(HOST).orElseThrow();
        assertThat(renewed).isNotSameAs(first);

        // A certificate for another name, written over the file: refused as at start, the renewed one stays.
        TestCa.PemFiles other = ca.issue("other.example.test").written(dir, "other");
        Files.copy(other.cert(), files.cert(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(other.key(), files.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        touch(files.cert(), 2);
        assertThat(certificates.reloadIfChanged()).hasValueSatisfying(why ->
                assertThat(why).hasValueSatisfying(text -> assertThat(text).contains("does not cover " + HOST)));
        assertThat(certificates.contextFor(HOST)).containsSame(renewed);
        // Tried once per change, not at every poll.
        assertThat(certificates.reloadIfChanged()).isEmpty();
    }

    /** Moves the modification time on, so that a change within the file system's time granularity is seen. */
    private static void touch(Path file, int minutes) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(60L * minutes)));
    }
}
