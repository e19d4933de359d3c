package dev.portway.server.config;

import dev.portway.protocol.config.ConfigException;
import dev.portway.server.testkit.TestCa;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** server.yaml's {@code https} section: port and certificates, with every problem named by file and field. */
class HttpsConfigLoaderTest {
    private static TestCa ca;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCa() throws Exception {
        ca = TestCa.create("portway-test-ca");
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("server.yaml"), yaml);
    }

    private List<String> problems(String yaml) throws IOException {
        try {
            ServerConfigLoader.load(write(yaml));
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void withoutCertificatesOrAPortThereIsNoHttpsListener() throws Exception {
        HttpConfig http = ServerConfigLoader.load(write("")).http();
        assertThat(http.httpsPort()).isZero();
        assertThat(http.certificates()).isEmpty();
        assertThat(ServerConfigLoader.load(write("https: {certificates: []}")).http().httpsPort()).isZero();
    }

    @Test
    void certificatesWithoutAPortListenOn443() throws Exception {
        ca.issue("app.example.test").written(dir, "app");
        assertThat(ServerConfigLoader.load(write(
                "https: {certificates: [{domains: [app.example.test], cert: app.crt, key: app.key}]}"))
                .http().httpsPort()).isEqualTo(443);
    }

    @Test
    void aPortWithoutCertificatesListensForPassthroughTunnels() throws Exception {
        assertThat(ServerConfigLoader.load(write("https: {port: 8443}")).http().httpsPort()).isEqualTo(8443);
    }

    @Test
    void certificatesAreReadWithTheirDomainsLowerCased() throws Exception {
        ca.issue("app.example.test", "*.apps.example.test").written(dir, "app");
        HttpConfig http = ServerConfigLoader.load(write("""
                https:
                  port: 8443
                  certificates:
                    - domains: [App.Example.Test, "*.apps.example.test"]
                      cert: app.crt
                      key: app.key
                """)).http();
        assertThat(http.httpsPort()).isEqualTo(8443);
        assertThat(http.certificates()).containsExactly(new HttpsCertificateConfig(
                List.of("app.example.test", "*.apps.example.test"), dir.resolve("app.crt"), dir.resolve("app.key")));
    }

    @Test
    void aWildcardCertificateCoversOneLabelBelowIt() throws Exception {
        ca.issue("*.example.test").written(dir, "wild");
        assertThat(ServerConfigLoader.load(write("""
                https: {certificates: [{domains: [a.example.test, "*.example.test"], cert: wild.crt, key: wild.key}]}
                """)).http().certificates()).hasSize(1);
        assertThat(problems("""
                https: {certificates: [{domains: [b.a.example.test, example.test], cert: wild.crt, key: wild.key}]}
                """)).containsExactly(
                "server.yaml: https.certificates[0].domains[0]: expected a name the certificate in "
                        + "https.certificates[0].cert covers (*.example.test), got \"b.a.example.test\"",
                "server.yaml: https.certificates[0].domains[1]: expected a name the certificate in "
                        + "https.certificates[0].cert covers (*.example.test), got \"example.test\"");
    }

    @Test
    void aMissingFileIsNamedWithItsField() throws Exception {
        ca.issue("app.example.test").written(dir, "app");
        assertThat(problems("""
                https:
                  certificates:
                    - {domains: [app.example.test], cert: missing.crt, key: app.key}
                """)).containsExactly("server.yaml: https.certificates[0].cert: expected a PEM certificate file "
                + "that exists, got \"" + dir.resolve("missing.crt") + "\"");
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateIsRefused() throws Exception {
        ca.issue("app.example.test").written(dir, "app");
        ca.issue("other.example.test").written(dir, "other");
        assertThat(problems("""
                https:
                  certificates:
                    - {domains: [app.example.test], cert: app.crt, key: other.key}
                """)).containsExactly("server.yaml: https.certificates[0].key: expected the private key of "
                + "https.certificates[0].cert, got " + dir.resolve("other.key")
                + ", which does not match that certificate");
    }

    @Test
    void filesThatAreNotPemAreRefused() throws Exception {
        Files.writeString(dir.resolve("junk.crt"), "not a certificate");
        ca.issue("app.example.test").written(dir, "app");
        assertThat(problems("""
                https: {certificates: [{domains: [app.example.test], cert: junk.crt, key: app.key}]}
                """)).singleElement().asString()
                .startsWith("server.yaml: https.certificates[0].cert: expected a PEM certificate file");
    }

    @Test
    void shapeProblemsAreAllReported() throws Exception {
        ca.issue("app.example.test").written(dir, "app");
        assertThat(problems("""
                https:
                  port: 70000
                  listen: 443
                  certificates:
                    - {domains: [], cert: app.crt, key: app.key}
                    - {domains: ["bad host"], cert: app.crt}
                    - {domains: [app.example.test], cert: app.crt, key: app.key}
                    - {domains: [APP.example.test], cert: app.crt, key: app.key}
                """)).containsExactlyInAnyOrder(
                "server.yaml: https.listen: unknown field; expected one of port, certificates, clientConnect, acme",
                "server.yaml: https.port: expected an integer between 0 and 65535, got 70000",
                "server.yaml: https.certificates[0].domains: expected a list of at least one host name, got a list",
                "server.yaml: https.certificates[1].domains[0]: expected a host name or *.domain, got \"bad host\"",
                "server.yaml: https.certificates[1].key: expected a PEM private key file, got nothing",
                "server.yaml: https.certificates[3].domains[0]: expected a domain no other certificate lists, "
                        + "got \"APP.example.test\"");
    }

    @Test
    void clientConnectIsOnByDefaultAndReadsItsPathAndHosts() throws Exception {
        assertThat(ServerConfigLoader.load(write("")).http().clientConnect()).isEqualTo(ClientConnectConfig.DEFAULTS);
        ClientConnectConfig read = ServerConfigLoader.load(write("""
                https:
                  clientConnect: {path: /edge/connect, hosts: [Tunnel.Example.COM]}
                """)).http().clientConnect();
        assertThat(read).isEqualTo(new ClientConnectConfig(true, "/edge/connect", List.of("tunnel.example.com")));
        assertThat(ServerConfigLoader.load(write("https: {clientConnect: {enabled: false}}")).http().clientConnect()
                .enabled()).isFalse();
    }

    @Test
    void clientConnectProblemsNameTheField() throws Exception {
        assertThat(problems("""
                https:
                  clientConnect: {path: "edge connect", hosts: ["bad host"], via: x}
                """)).containsExactlyInAnyOrder(
                "server.yaml: https.clientConnect.via: unknown field; expected one of enabled, path, hosts",
                "server.yaml: https.clientConnect.path: expected a path starting with / without spaces, query or "
                        + "fragment, got \"edge connect\"",
                "server.yaml: https.clientConnect.hosts[0]: expected a host name, got \"bad host\"");
    }

    @Test
    void acmeIsReadWithADirectoryByNameAndListensOn443() throws Exception {
        HttpConfig http = ServerConfigLoader.load(write("""
                https:
                  acme:
                    directory: letsencrypt-staging
                    email: ops@example.test
                    agreeTerms: true
                    domains: [App.Example.Test]
                    challenges: [tls-alpn-01]
                    eab: {keyId: kid-1, hmacKey: 0123456789abcdef0123}
                    checkInterval: 10m
                """)).http();
        assertThat(http.httpsPort()).isEqualTo(443);
        AcmeConfig acme = http.acme();
        assertThat(acme.directory()).isEqualTo(AcmeConfig.LETSENCRYPT_STAGING);
        assertThat(acme.domains()).containsExactly("app.example.test");
        assertThat(acme.challenges()).containsExactly(AcmeConfig.TLS_ALPN_01);
        assertThat(acme.eab().keyId()).isEqualTo("kid-1");
        assertThat(acme.toString()).doesNotContain("0123456789abcdef0123");
        assertThat(acme.checkInterval()).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(acme.onDemand()).isFalse();
        assertThat(acme.probePort()).isEqualTo(80);
        assertThat(ServerConfigLoader.load(write("")).http().acme()).isNull();
    }

    @Test
    void certificatesOnDemandNeedNoListOfDomains() throws Exception {
        AcmeConfig acme = ServerConfigLoader.load(write("""
                https:
                  acme: {directory: letsencrypt, agreeTerms: true, onDemand: true, probePort: 8080}
                """)).http().acme();
        assertThat(acme.domains()).isEmpty();
        assertThat(acme.onDemand()).isTrue();
        assertThat(acme.probePort()).isEqualTo(8080);
        assertThat(String.join("\n", problems("""
                https:
                  acme: {directory: letsencrypt, agreeTerms: true, onDemand: maybe, probePort: 70000}
                """))).contains("https.acme.onDemand", "https.acme.probePort");
    }

    @Test
    void aDnsHookAllowsWildcardsAndDns01() throws Exception {
        Path hook = Files.writeString(dir.resolve("hook"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(hook, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        AcmeConfig acme = ServerConfigLoader.load(write("""
                https:
                  acme: {directory: letsencrypt, agreeTerms: true, domains: ["*.example.test"], dnsHook: hook}
                """)).http().acme();
        assertThat(acme.domains()).containsExactly("*.example.test");
        assertThat(acme.dnsHook()).isEqualTo(hook);
        assertThat(acme.challenges()).contains(AcmeConfig.DNS_01);
        assertThat(String.join("\n", problems("""
                https:
                  acme: {directory: letsencrypt, agreeTerms: true, domains: ["*.example.test"], dnsHook: hook,
                         challenges: [http-01]}
                """))).contains("https.acme.challenges: expected a list with dns-01");
    }

    @Test
    void acmeProblemsNameTheirFieldAndTheHmacKeyIsNeverEchoed() throws Exception {
        ca.issue("app.example.test").written(dir, "app");
        List<String> problems = problems("""
                https:
                  certificates: [{domains: [app.example.test], cert: app.crt, key: app.key}]
                  acme:
                    directory: "ftp://ca.example.test"
                    email: nobody
                    domains: [app.example.test, "*.example.test", "bad name"]
                    challenges: [dns-99]
                    eab: {keyId: k, hmacKey: short-secret}
                """);
        assertThat(String.join("\n", problems))
                .contains("https.acme.directory", "https.acme.email", "https.acme.agreeTerms",
                        "https.acme.domains[0]", "expected a domain no entry of https.certificates lists",
                        "https.acme.domains[1]", "dns-01", "https.acme.domains[2]", "https.acme.challenges[0]",
                        "https.acme.eab.hmacKey")
                .doesNotContain("short-secret");
    }
}
