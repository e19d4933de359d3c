package dev.portway.server.https;

import dev.portway.server.config.HttpsCertificateConfig;
import dev.portway.server.testkit.TestCa;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConfiguredCertificatesTest {
    @TempDir
    Path dir;

    @Test
    void anExactDomainWinsOverAWildcardWhichCoversOneLabel() throws Exception {
        TestCa ca = TestCa.create("portway-test-ca");
        TestCa.PemFiles wild = ca.issue("*.example.test").written(dir, "wild");
        TestCa.PemFiles app = ca.issue("app.example.test").written(dir, "app");
        ConfiguredCertificates certificates = ConfiguredCertificates.load(List.of(
                new HttpsCertificateConfig(List.of("*.example.test"), wild.cert(), wild.key()),
                new HttpsCertificateConfig(List.of("app.example.test"), app.cert(), app.key())));

        SslContext forApp = certificates.contextFor("app.example.test").orElseThrow();
        SslContext forOther = certificates.contextFor("Other.Example.Test").orElseThrow();
        assertThat(forApp).isNotSameAs(forOther);
        assertThat(certificates.contextFor("APP.example.test.")).containsSame(forApp);
        assertThat(certificates.contextFor("b.a.example.test")).isEmpty();
        assertThat(certificates.contextFor("example.test")).isEmpty();
        assertThat(certificates.domains()).isEqualTo(2);
    }

    @Test
    void withoutCertificatesNothingIsCovered() throws Exception {
        assertThat(ConfiguredCertificates.load(List.of()).contextFor("app.example.test")).isEmpty();
    }
}
