package dev.portway.server.acme;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The probe against real sockets on loopback: a peer that answers with the probe's token (as this server's http port
 * does), one that answers something else, one that sends too much and one that reads nothing.
 */
@Timeout(30)
class DomainProbeTest {
    private static final String NAME = "shop.example.test";
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @TempDir
    Path dir;
    private final PendingChallenges challenges = new PendingChallenges();
    private CertificateStore store;
    private ServerSocket peer;
    private Thread serving;
    private final AtomicReference<String> requested = new AtomicReference<>();

    @BeforeEach
    void setUp() throws Exception {
        store = FileCertificateStore.open(dir.resolve("acme"), StorageCipher.fromFile(dir.resolve("key"), true));
        peer = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void tearDown() throws Exception {
        peer.close();
        if (serving != null) {
            serving.join(5_000);
        }
    }

    @Test
    void aNameThatReachesThisServerPassesAndTheAnswerIsWithdrawnAfterwards() throws Exception {
        serve(request -> {
            String path = request.split(" ")[1];
            return challenges.answer(NAME, path).map(answer -> "HTTP/1.1 200 OK\r\nContent-Length: "
                    + answer.length() + "\r\n\r\n" + answer).orElse("HTTP/1.1 404 Not Found\r\n\r\n");
        });
        probe(name -> List.of(InetAddress.getLoopbackAddress())).check(NAME);
        assertThat(requested.get()).startsWith("GET /.well-known/acme-challenge/").contains("Host: " + NAME);
        String path = requested.get().split(" ")[1];
        assertThat(challenges.answer(NAME, path)).isEmpty();
    }

    @Test
    void anotherServerBehindTheNameFailsTheProbeWithWhatItAnswered() throws Exception {
        serve(request -> "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        assertThatThrownBy(() -> probe(name -> List.of(InetAddress.getLoopbackAddress())).check(NAME))
                .isInstanceOf(DomainProbe.ProbeFailedException.class)
                .hasMessageContaining("did not reach this server").hasMessageContaining("404");
    }

    @Test
    void anAnswerLongerThanTheBoundFailsWithoutBeingReadToItsEnd() throws Exception {
        serve(request -> "HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(1024 * 1024));
        assertThatThrownBy(() -> probe(name -> List.of(InetAddress.getLoopbackAddress())).check(NAME))
                .isInstanceOf(DomainProbe.ProbeFailedException.class)
                .hasMessageContaining("longer than " + DomainProbe.MAX_RESPONSE_BYTES);
    }

    @Test
    void aPeerThatReadsNothingAndAnswersNothingFailsAfterTheTimeout() throws Exception {
        serving = new Thread(() -> {
            try (Socket ignored = peer.accept()) {
                Thread.sleep(TIMEOUT.toMillis() * 4);
            } catch (IOException | InterruptedException e) {
                // the test is over
            }
        });
        serving.start();
        assertThatThrownBy(() -> probe(name -> List.of(InetAddress.getLoopbackAddress())).check(NAME))
                .isInstanceOf(DomainProbe.ProbeFailedException.class)
                .hasMessageContaining("no answer within " + TIMEOUT.toMillis() + " ms");
    }

    @Test
    void aNameWithoutAddressesIsNotProbed() {
        assertThatThrownBy(() -> probe(name -> List.of()).check(NAME))
                .isInstanceOf(DomainProbe.ProbeFailedException.class).hasMessageContaining("no A or AAAA record");
        assertThatThrownBy(() -> probe(name -> {
            throw new java.net.UnknownHostException(name);
        }).check(NAME)).isInstanceOf(DomainProbe.ProbeFailedException.class).hasMessageContaining("does not resolve");
    }

    private DomainProbe probe(DomainProbe.AddressLookup lookup) {
        return new DomainProbe(challenges, store, lookup, peer.getLocalPort(), TIMEOUT);
    }

    /** Answers one request with what {@code answer} makes of its head, then closes. */
    private void serve(Function<String, String> answer) {
        serving = new Thread(() -> {
            try (Socket socket = peer.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.ISO_8859_1));
                StringBuilder head = new StringBuilder();
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    head.append(line).append("\r\n");
                }
                requested.set(head.toString());
                OutputStream out = socket.getOutputStream();
                out.write(answer.apply(head.toString()).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                // the probe stopped reading: what a bounded reader does
            }
        });
        serving.start();
    }
}
