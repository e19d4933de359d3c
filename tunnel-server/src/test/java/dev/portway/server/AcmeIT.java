package dev.portway.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.acme.IssuedCertificate;
import dev.portway.server.config.AcmeConfig;
import dev.portway.server.https.CertificateChecks;
import dev.portway.server.config.AlertsConfig;
import dev.portway.server.config.DatabaseSettings;
import dev.portway.server.config.DomainProofConfig;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.config.ServerConfigLoader;
import dev.portway.server.testkit.AdminHttp;
import dev.portway.server.testkit.JavaProcess;
import dev.portway.server.testkit.NotificationReceiver;
import dev.portway.server.testkit.PatternStream;
import dev.portway.server.testkit.Pebble;
import dev.portway.server.testkit.Processes;
import dev.portway.server.testkit.Programs;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Scrape;
import dev.portway.server.testkit.TestCa;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.storage.Storage;
import dev.portway.storage.certificates.StoredCertificate;
import dev.portway.storage.db.DatabaseConfig;
import dev.portway.storage.db.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.OutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Certificates from a real ACME server: Pebble validates the server's answers on its real http and https ports, the
 * issued certificate is served by SNI, and a client that trusts only Pebble's root reaches an http tunnel over HTTPS.
 */
@Timeout(180)
class AcmeIT {
    private static final String HOST = "app.acme.test";
    private static final String WILDCARD = "*.wild.acme.test";
    private static final String WILDCARD_HOST = "app.wild.acme.test";
    private static final String REQUESTED = "requested.acme.test";
    /** Pebble's DNS points it at 127.0.0.2, where nothing of the server listens. */
    private static final String ELSEWHERE = "elsewhere.acme.test";
    private static final int BODY_BYTES = 256 * 1024;

    @TempDir
    Path dir;
    private TunnelFixture fixture;
    private Pebble pebble;
    private HttpServer local;
    private final byte[] body = new byte[BODY_BYTES];
    private ServerConfig config;
    /** The alerting of the next server started; null: the defaults. */
    private AlertsConfig alerts;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Pebble.installed(), "pebble and pebble-challtestsrv are not on the PATH");
        fixture = new TunnelFixture();
        new Random(15).nextBytes(body);
        local = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        local.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        local.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        if (pebble != null) {
            pebble.close();
        }
        if (local != null) {
            local.stop(0);
        }
    }

    @Test
    void http01IssuesACertificateThatServesAnHttpTunnelOverHttps() throws Exception {
        startServerWithAcme(AcmeConfig.HTTP_01);
        IssuedCertificate issued = awaitCertificate();
        assertThat(issued.domains()).containsExactly(HOST);
        reachTunnelOverHttps(issued);
        // Kept where only the server's user may read, with the private key encrypted.
        Path acmeDir = config.dataDir().resolve("acme");
        assertThat(Files.getPosixFilePermissions(acmeDir.resolve(HOST + ".key")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(acmeDir.resolve(HOST + ".key"), StandardCharsets.ISO_8859_1))
                .doesNotContain("PRIVATE KEY");
        assertThat(Files.getPosixFilePermissions(acmeDir.resolve("storage.key")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void tlsAlpn01IssuesACertificateThatServesAnHttpTunnelOverHttps() throws Exception {
        startServerWithAcme(AcmeConfig.TLS_ALPN_01);
        reachTunnelOverHttps(awaitCertificate());
    }

    @Test
    void nodesOnOneDatabaseServeTheCertificateOneOfThemOrdered() throws Exception {
        Path storageKey = Files.write(dir.resolve("storage.key"), new byte[32]);
        startServerWithAcme(AcmeConfig.HTTP_01, storageKey, DatabaseSettings.EMBEDDED);
        IssuedCertificate issued = awaitCertificate();
        Storage storage = fixture.server().storage().orElseThrow().storage();
        StoredCertificate stored = storage.certificates().all().get(20, TimeUnit.SECONDS).get(0);
        assertThat(stored.name()).isEqualTo(HOST);
        assertThat(new String(stored.sealedKey(), StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE KEY");
        AdminHttp admin = admin();
        JsonNode listed = admin.expect(200, "GET", "/api/v1/certificates", null);
        assertThat(listed).singleElement().satisfies(certificate -> {
            assertThat(certificate.path("name").asText()).isEqualTo(HOST);
            assertThat(certificate.path("source").asText()).isEqualTo("acme");
            assertThat(certificate.path("state").asText()).isEqualTo("valid");
            assertThat(certificate.path("issuer").asText()).isEqualTo(
                    issued.leaf().getIssuerX500Principal().getName());
            assertThat(certificate.path("notAfter").asText()).isNotEmpty();
        });

        EmbeddedPostgresServer postgres = fixture.server().storage().orElseThrow().database().embeddedServer()
                .orElseThrow();
        try (TunnelFixture nodeB = new TunnelFixture()) {
            // Its CA would validate on node A's ports only: node B must find the certificate, not order one.
            TunnelServer serverB = nodeB.startServer(nodeB.serverConfig(0, Duration.ofSeconds(10), 3)
                    .withDatabase(new DatabaseSettings(true, new DatabaseConfig(postgres.jdbcUrl(), postgres.user(),
                            postgres.password(), 4)))
                    .withHttp(new HttpConfig(null, TunnelFixture.freePort(), TunnelFixture.freePort())
                            .withAcme(config.http().acme())));
            register(nodeB);
            assertThat(serverB.acmeCertificates().served(HOST).orElseThrow().leaf()).isEqualTo(issued.leaf());
            reachTunnelOverHttps(serverB, issued);
        }
        assertThat(storage.certificates().all().get(20, TimeUnit.SECONDS)).hasSize(1);
    }

    @Test
    void twoServerProcessesOnOneDatabaseOrderOneCertificateAndBothServeIt() throws Exception {
        List<Integer> httpPorts = List.of(TunnelFixture.freePort(), TunnelFixture.freePort());
        // The CA validates on the first node's port only; HTTP-01 answers reach it from either node by NOTIFY.
        pebble = Pebble.start(dir.resolve("pebble"), httpPorts.get(0), TunnelFixture.freePort(), null);
        Path listenerCa = pebble.writeListenerCa(dir.resolve("pebble-listener-ca.pem"));
        Path storageKey = Files.write(dir.resolve("storage.key"), new byte[32]);
        List<JavaProcess> nodes = new ArrayList<>();
        // PostgreSQL runs as its own user when the tests run as root; it has to pass through this folder.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"));
             TunnelFixture clients = new TunnelFixture()) {
            List<InetSocketAddress> admins = new ArrayList<>();
            List<Integer> httpsPorts = new ArrayList<>();
            for (int http : httpPorts) {
                int control = TunnelFixture.freePort();
                int admin = TunnelFixture.freePort();
                int https = TunnelFixture.freePort();
                JavaProcess node = Processes.server(control, """
                        database: {url: "%s", user: "%s", password: "%s"}
                        """.formatted(postgres.jdbcUrl(), postgres.user(), postgres.password()), """
                        admin: {bind: 127.0.0.1, port: %d}
                        http: {port: %d}
                        https:
                          port: %d
                          acme: {directory: "%s", agreeTerms: true, domains: [%s], challenges: [http-01],
                                 trustedCa: "%s", storageKey: "%s"}
                        """.formatted(admin, http, https, pebble.directory(), HOST, listenerCa, storageKey));
                nodes.add(node);
                // One after the other: the first start on an empty database makes the initial admin.
                String fingerprint = node.awaitLine("TLS certificate fingerprint: ", TunnelFixture.WAIT)
                        .substring("TLS certificate fingerprint: sha256:".length());
                RecordingEvents events = new RecordingEvents();
                clients.startClient(TunnelFixture.clientConfig(control, fingerprint, TunnelFixture.TOKEN,
                        List.of(httpTunnel(HOST)), Duration.ofSeconds(10)), "c" + nodes.size(), events);
                events.nextRegistration(TunnelFixture.WAIT);
                admins.add(new InetSocketAddress("127.0.0.1", admin));
                httpsPorts.add(https);
            }
            String expiry = "portway_certificate_expiry_days{certificate=\"" + HOST + "\"}";
            double issued = 0;
            for (InetSocketAddress admin : admins) {
                Scrape scrape = Scrape.until(admin, s -> s.value(expiry) != null);
                issued += scrape.sum("portway_acme_orders_total{outcome=\"issued\"");
            }
            assertThat(issued).as("orders issued by both nodes").isEqualTo(1.0);
            X509Certificate first = reachOverHttps(httpsPorts.get(0), HOST);
            assertThat(reachOverHttps(httpsPorts.get(1), HOST)).isEqualTo(first);
            for (JavaProcess node : nodes) {
                assertThat(node.isAlive()).isTrue();
            }
        } finally {
            for (JavaProcess node : nodes) {
                node.close();
            }
        }
    }

    @Test
    void aShortLivedCertificateIsRenewedWhileAnOpenConnectionGoesOnAndStaysWhenTheCaIsGone() throws Exception {
        NotificationReceiver webhook = new NotificationReceiver(0);
        alerts = alertsTo(webhook);
        startServerWithAcme(AcmeConfig.HTTP_01, null, DatabaseSettings.DISABLED, Duration.ofSeconds(45),
                Duration.ofSeconds(1));
        IssuedCertificate first = awaitCertificate();
        SSLSocket open = TestCa.connect(TestCa.trusting(pebble.root()), fixture.server().httpsAddress().getPort(),
                HOST);
        try {
            assertThat(open.getSession().getPeerCertificates()[0]).isEqualTo(first.leaf());
            assertThat(PatternStream.sha256(keepAliveGet(open))).isEqualTo(PatternStream.sha256(body));

            IssuedCertificate renewed = awaitCertificate(certificate -> !certificate.leaf().equals(first.leaf()),
                    Duration.ofSeconds(60));
            reachTunnelOverHttps(renewed);
            // The connection made with the old certificate carries its next request as if nothing happened.
            assertThat(PatternStream.sha256(keepAliveGet(open))).isEqualTo(PatternStream.sha256(body));

            pebble.stopCa();
            // Past the renewal time of the new certificate, orders fail; the certificate in service stays.
            Thread.sleep(Math.max(0, renewed.renewAt().toEpochMilli() - System.currentTimeMillis()) + 3_000);
            assertThat(fixture.server().acmeCertificates().served(HOST).orElseThrow().leaf())
                    .isEqualTo(renewed.leaf());
            try (SSLSocket again = TestCa.connect(TestCa.trusting(renewed.chain().get(renewed.chain().size() - 1)),
                    fixture.server().httpsAddress().getPort(), HOST)) {
                assertThat(again.getSession().getPeerCertificates()[0]).isEqualTo(renewed.leaf());
            }
            // Failures go on every second; the alert was sent once. (A 45-second certificate is also always
            // expiring within 14 days: that alert too fired once, at the first certificate, and never again.)
            Thread.sleep(2_000);
            List<String> firing = new ArrayList<>();
            for (NotificationReceiver.Received r = webhook.next(Duration.ofSeconds(1)); r != null;
                 r = webhook.next(Duration.ofSeconds(1))) {
                if (r.body().contains("PortwayCertificate") && r.body().contains("firing")) {
                    firing.add(r.body().contains("renewal_failing") ? "renewal_failing" : "expiring");
                }
            }
            assertThat(firing).containsExactlyInAnyOrder("expiring", "renewal_failing");
        } finally {
            open.close();
            webhook.close();
        }
    }

    /** Every rule off but the certificates' (always on), evaluated often, sent to {@code webhook}. */
    private AlertsConfig alertsTo(NotificationReceiver webhook) throws Exception {
        Path file = Files.writeString(dir.resolve("alerts.yaml"), """
                alerts:
                  interval: 100ms
                  clientOffline: {enabled: false}
                  tunnelDown: {enabled: false}
                  httpLatency: {enabled: false}
                  httpErrorRate: {enabled: false}
                  quotaNearlyUsed: {enabled: false}
                  webhooks: [{url: "%s"}]
                """.formatted(webhook.url("/hook")));
        return ServerConfigLoader.load(file).alerts();
    }

    @Test
    void anotherNodeOnTheDatabaseAnswersTheHttp01RequestsOfAnOrderPlacedByThisOne() throws Exception {
        int answeringPort = TunnelFixture.freePort();
        pebble = Pebble.start(dir.resolve("pebble"), answeringPort, TunnelFixture.freePort(), null);
        AcmeConfig acme = new AcmeConfig(URI.create(pebble.directory()), null, List.of(HOST),
                List.of(AcmeConfig.HTTP_01), null, pebble.writeListenerCa(dir.resolve("pebble-listener-ca.pem")),
                null, Files.write(dir.resolve("storage.key"), new byte[32]), null);
        try (TunnelFixture answering = new TunnelFixture()) {
            // The node without https.acme answers on the port the CA validates on; the ordering node's own http
            // port is one the CA never sees.
            ServerConfig ordering = fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                    .withDatabase(DatabaseSettings.EMBEDDED)
                    .withHttp(new HttpConfig(null, TunnelFixture.freePort(), TunnelFixture.freePort()).withAcme(acme));
            // The ordering node's first attempt may come before the answering node listens; it is tried again.
            fixture.startServer(ordering);
            EmbeddedPostgresServer postgres = fixture.server().storage().orElseThrow().database().embeddedServer()
                    .orElseThrow();
            answering.startServer(answering.serverConfig(0, Duration.ofSeconds(10), 3)
                    .withDatabase(new DatabaseSettings(true, new DatabaseConfig(postgres.jdbcUrl(), postgres.user(),
                            postgres.password(), 4)))
                    .withHttp(new HttpConfig(null, answeringPort, 0)));
            IssuedCertificate issued = awaitCertificate();
            assertThat(CertificateChecks.dnsNames(issued.leaf())).containsExactly(HOST);
        }
    }

    @Test
    void anOperatorRequestsACertificateThroughTheApiAndDeletesIt() throws Exception {
        Path storageKey = Files.write(dir.resolve("storage.key"), new byte[32]);
        startServerWithAcme(AcmeConfig.HTTP_01, storageKey, DatabaseSettings.EMBEDDED);
        awaitCertificate();
        AdminHttp admin = admin();
        JsonNode requested = admin.expect(202, "POST", "/api/v1/certificates",
                "{\"domain\": \"" + REQUESTED + "\"}");
        assertThat(requested.path("origin").asText()).isEqualTo("api");
        IssuedCertificate issued = awaitCertificate(REQUESTED, certificate -> true, Duration.ofSeconds(90));
        register(fixture, REQUESTED);
        reachTunnelOverHttps(fixture.server(), issued, REQUESTED);
        assertThat(listed(admin, REQUESTED).path("state").asText()).isEqualTo("valid");
        assertThat(listed(admin, REQUESTED).path("origin").asText()).isEqualTo("api");
        assertThat(listed(admin, HOST).path("origin").asText()).isEqualTo("config");

        // What server.yaml holds stays: neither requested again nor deleted.
        assertThat(admin.call("POST", "/api/v1/certificates", "{\"domain\": \"" + HOST + "\"}").status())
                .isEqualTo(409);
        assertThat(admin.call("DELETE", "/api/v1/certificates/" + HOST, null).status()).isEqualTo(409);
        admin.expect(204, "DELETE", "/api/v1/certificates/" + REQUESTED, null);
        assertThat(fixture.server().acmeCertificates().served(REQUESTED)).isEmpty();
        assertThat(admin.expect(200, "GET", "/api/v1/certificates", null).findValuesAsText("name"))
                .containsExactly(HOST);
        Storage storage = fixture.server().storage().orElseThrow().storage();
        assertThat(storage.certificates().all().get(20, TimeUnit.SECONDS)).extracting(StoredCertificate::name)
                .containsExactly(HOST);
        assertThat(storage.certificates().requests().get(20, TimeUnit.SECONDS)).isEmpty();
        assertThat(admin.call("DELETE", "/api/v1/certificates/" + REQUESTED, null).status()).isEqualTo(404);
    }

    @Test
    void aTunnelsCustomDomainGetsACertificateOnlyWhenTheNameReachesThisServer() throws Exception {
        int httpPort = TunnelFixture.freePort();
        int httpsPort = TunnelFixture.freePort();
        pebble = Pebble.start(dir.resolve("pebble"), httpPort, httpsPort, null);
        pebble.pointAt(ELSEWHERE, "127.0.0.2");
        AcmeConfig acme = new AcmeConfig(URI.create(pebble.directory()), null, List.of(), List.of(AcmeConfig.HTTP_01),
                null, pebble.writeListenerCa(dir.resolve("pebble-listener-ca.pem")), null,
                Files.write(dir.resolve("storage.key"), new byte[32]), null).withOnDemand(true, httpPort);
        config = fixture.serverConfig(0, Duration.ofSeconds(10), 3).withDatabase(DatabaseSettings.EMBEDDED)
                .withDomainProof(new DomainProofConfig(false, List.of(pebble.dnsServer())))
                .withHttp(new HttpConfig(null, httpPort, httpsPort).withAcme(acme));
        fixture.startServer(config);
        register(fixture, HOST);
        reachTunnelOverHttps(awaitCertificate());
        AdminHttp admin = admin();
        assertThat(listed(admin, HOST).path("origin").asText()).isEqualTo("tunnel");

        register(fixture, ELSEWHERE);
        JsonNode failing = awaitListed(admin, ELSEWHERE, entry -> entry.path("state").asText().equals("failing"));
        assertThat(failing.path("lastError").asText()).contains("probe", "did not reach this server", "127.0.0.2");
        assertThat(failing.path("retryAt").asText()).isNotEmpty();
        assertThat(fixture.server().acmeCertificates().served(ELSEWHERE)).isEmpty();
        // The CA saw the one order of the name that reaches the server, and none for the other.
        String metrics = admin.call("GET", "/metrics", null).body();
        assertThat(metrics).containsPattern("portway_acme_orders_total\\{outcome=\"issued\"[^}]*} 1\\.0")
                .containsPattern("portway_acme_orders_total\\{outcome=\"failed\"[^}]*} 0\\.0");
    }

    private AdminHttp admin() throws Exception {
        return new AdminHttp(fixture.server().adminAddress(), AdminHttp.initialCredential(
                fixture.server().initialCredentials().orElseThrow().file(), "admin_api_key"));
    }

    private static JsonNode listed(AdminHttp admin, String name) throws Exception {
        for (JsonNode entry : admin.expect(200, "GET", "/api/v1/certificates", null)) {
            if (entry.path("name").asText().equals(name)) {
                return entry;
            }
        }
        throw new AssertionError(name + " is not listed");
    }

    private static JsonNode awaitListed(AdminHttp admin, String name, Predicate<JsonNode> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            for (JsonNode entry : admin.expect(200, "GET", "/api/v1/certificates", null)) {
                if (entry.path("name").asText().equals(name)) {
                    last = entry;
                    if (wanted.test(entry)) {
                        return entry;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " not as wanted within 60 s; last listed: " + last);
    }

    private void startServerWithAcme(String challenge) throws Exception {
        startServerWithAcme(challenge, null, DatabaseSettings.DISABLED);
    }

    private void startServerWithAcme(String challenge, Path storageKey, DatabaseSettings database) throws Exception {
        startServerWithAcme(challenge, storageKey, database, null, null);
    }

    private void startServerWithAcme(String challenge, Path storageKey, DatabaseSettings database, Duration validity,
                                     Duration checkInterval) throws Exception {
        int httpPort = TunnelFixture.freePort();
        int httpsPort = TunnelFixture.freePort();
        pebble = Pebble.start(dir.resolve("pebble"), httpPort, httpsPort, validity);
        AcmeConfig acme = new AcmeConfig(URI.create(pebble.directory()), "ops@acme.test", List.of(HOST),
                List.of(challenge), null, pebble.writeListenerCa(dir.resolve("pebble-listener-ca.pem")),
                checkInterval, storageKey, null);
        config = fixture.serverConfig(0, Duration.ofSeconds(10), 3).withDatabase(database)
                .withHttp(new HttpConfig(null, httpPort, httpsPort).withAcme(acme));
        if (alerts != null) {
            config = config.withAlerts(alerts);
        }
        fixture.startServer(config);
        register(fixture);
    }

    @Test
    void dns01ThroughTheOperatorsHookIssuesAWildcardCertificateThatServesTheNamesUnderIt() throws Exception {
        assumeTrue(Programs.onPath("curl"), "curl is not on the PATH");
        int httpsPort = TunnelFixture.freePort();
        pebble = Pebble.start(dir.resolve("pebble"), TunnelFixture.freePort(), httpsPort, null);
        Path hook = Files.writeString(dir.resolve("dns-hook"), """
                #!/bin/sh
                # dns-hook set|remove <record name> <value>: publishes the TXT record on Pebble's DNS server.
                set -e
                name="${2%%.}."
                case "$1" in
                  set) curl -sSf -X POST -d "{\\"host\\":\\"$name\\",\\"value\\":\\"$3\\"}" %1$s/set-txt ;;
                  remove) curl -sSf -X POST -d "{\\"host\\":\\"$name\\"}" %1$s/clear-txt ;;
                  *) exit 2 ;;
                esac
                """.formatted(pebble.dnsManagement()));
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        AcmeConfig acme = new AcmeConfig(URI.create(pebble.directory()), null, List.of(WILDCARD),
                List.of(AcmeConfig.DNS_01), null, pebble.writeListenerCa(dir.resolve("pebble-listener-ca.pem")), null,
                null, hook);
        config = fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                .withHttp(new HttpConfig(null, 0, httpsPort).withAcme(acme));
        fixture.startServer(config);
        register(fixture, WILDCARD_HOST);

        IssuedCertificate issued = awaitCertificate(WILDCARD, certificate -> true, Duration.ofSeconds(90));
        assertThat(CertificateChecks.dnsNames(issued.leaf())).containsExactly(WILDCARD);
        reachTunnelOverHttps(fixture.server(), issued, WILDCARD_HOST);
    }

    private void register(TunnelFixture node) throws Exception {
        register(node, HOST);
    }

    /** A client of its own per host, with one http tunnel for it. */
    private void register(TunnelFixture node, String host) throws Exception {
        node.connect("c-" + host, new RecordingEvents(), httpTunnel(host));
    }

    /** An http tunnel for {@code host} to the local server, TLS terminated by the server. */
    private TunnelConfig httpTunnel(String host) {
        HttpOptions options = new HttpOptions(null, List.of(host), null, null, null, null, null, "terminate");
        return new TunnelConfig("web-" + host.replace('.', '-'), TunnelType.HTTP,
                new HostPort("127.0.0.1", local.getAddress().getPort()), 0, options, null);
    }

    private IssuedCertificate awaitCertificate() throws InterruptedException {
        return awaitCertificate(certificate -> true, Duration.ofSeconds(90));
    }

    private IssuedCertificate awaitCertificate(Predicate<IssuedCertificate> wanted, Duration limit)
            throws InterruptedException {
        return awaitCertificate(HOST, wanted, limit);
    }

    private IssuedCertificate awaitCertificate(String name, Predicate<IssuedCertificate> wanted, Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<IssuedCertificate> served = fixture.server().acmeCertificates().served(name).filter(wanted);
            if (served.isPresent()) {
                return served.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no such certificate for " + name + " within " + limit);
    }

    /** One GET on a connection that stays open: reads the head and exactly Content-Length bytes of body. */
    private static byte[] keepAliveGet(SSLSocket socket) throws Exception {
        socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("end of the response head").isNotNegative();
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 200");
        Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        assertThat(length.find()).isTrue();
        return in.readNBytes(Integer.parseInt(length.group(1)));
    }

    /** GETs the body through the tunnel over HTTPS, trusting only Pebble's root; checks every byte and the FIN. */
    private void reachTunnelOverHttps(IssuedCertificate issued) throws Exception {
        reachTunnelOverHttps(fixture.server(), issued);
    }

    private void reachTunnelOverHttps(TunnelServer server, IssuedCertificate issued) throws Exception {
        reachTunnelOverHttps(server, issued, HOST);
    }

    private void reachTunnelOverHttps(TunnelServer server, IssuedCertificate issued, String host) throws Exception {
        assertThat(reachOverHttps(server.httpsAddress().getPort(), host)).isEqualTo(issued.leaf());
    }

    /** {@link #reachTunnelOverHttps} on {@code httpsPort}; returns the certificate the server presented. */
    private X509Certificate reachOverHttps(int httpsPort, String host) throws Exception {
        X509Certificate root = pebble.root();
        try (SSLSocket socket = TestCa.connect(TestCa.trusting(root), httpsPort, host)) {
            X509Certificate presented = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // readAllBytes returns only at the server's FIN (a reset throws).
            byte[] response = socket.getInputStream().readAllBytes();
            String head = new String(response, 0, Math.min(response.length, 512), StandardCharsets.ISO_8859_1);
            assertThat(head).startsWith("HTTP/1.1 200");
            int bodyStart = head.indexOf("\r\n\r\n") + 4;
            byte[] received = Arrays.copyOfRange(response, bodyStart, response.length);
            assertThat(PatternStream.sha256(received)).isEqualTo(PatternStream.sha256(body));
            return presented;
        }
    }
}
