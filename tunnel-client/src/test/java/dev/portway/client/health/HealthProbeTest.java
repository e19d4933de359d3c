package dev.portway.client.health;

import dev.portway.client.config.HealthCheckConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.transport.Transport;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks against real loopback sockets: a listener, a closed port, HTTP answers and a silent service. */
@Timeout(30)
class HealthProbeTest {
    private static final Transport TRANSPORT = Transport.detect();
    private static EventLoopGroup group;

    private final HealthProbe probe = new HealthProbe(TRANSPORT);

    @BeforeAll
    static void startGroup() {
        group = TRANSPORT.newGroup(1, "health-probe-test");
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static HealthCheckConfig check(HealthCheckConfig.Type type) {
        return new HealthCheckConfig(type, "/health", Duration.ofSeconds(1), 1, Duration.ofMillis(500));
    }

    private String run(int port, HealthCheckConfig.Type type) throws Exception {
        return probe.check(new HostPort("127.0.0.1", port), check(type), group.next()).get(5, TimeUnit.SECONDS);
    }

    @Test
    void tcpCheckPassesWhenTheTargetAcceptsAndFailsWhenNothingListens() throws Exception {
        int closedPort;
        try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            assertThat(run(listener.getLocalPort(), HealthCheckConfig.Type.TCP)).isNull();
            closedPort = listener.getLocalPort();
        }
        assertThat(run(closedPort, HealthCheckConfig.Type.TCP)).startsWith("cannot connect");
    }

    @Test
    void httpCheckAsksForThePathAndPassesOnlyOn2xx() throws Exception {
        try (OneAnswer ok = new OneAnswer("HTTP/1.1 204 No Content\r\n\r\n")) {
            assertThat(run(ok.port(), HealthCheckConfig.Type.HTTP)).isNull();
            assertThat(ok.request()).startsWith("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + ok.port() + "\r\n");
        }
        try (OneAnswer failing = new OneAnswer("HTTP/1.1 503 Service Unavailable\r\n\r\n")) {
            assertThat(run(failing.port(), HealthCheckConfig.Type.HTTP)).isEqualTo("HTTP status 503");
        }
        try (OneAnswer garbage = new OneAnswer("SSH-2.0-OpenSSH_9.6\r\n")) {
            assertThat(run(garbage.port(), HealthCheckConfig.Type.HTTP)).isEqualTo("not an HTTP answer");
        }
    }

    @Test
    void httpCheckFailsWithinItsTimeoutWhenTheTargetNeverAnswers() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            assertThat(run(silent.getLocalPort(), HealthCheckConfig.Type.HTTP)).isEqualTo("no answer within 500 ms");
        }
    }

    @Test
    void statusLinesAreJudgedByTheirCode() {
        assertThat(HealthProbe.judgeStatusLine("HTTP/1.0 200 OK")).isNull();
        assertThat(HealthProbe.judgeStatusLine("HTTP/1.1 299")).isNull();
        assertThat(HealthProbe.judgeStatusLine("HTTP/1.1 302 Found")).isEqualTo("HTTP status 302");
        assertThat(HealthProbe.judgeStatusLine("HTTP/1.1 20x OK")).isEqualTo("not an HTTP answer");
        assertThat(HealthProbe.judgeStatusLine("")).isEqualTo("not an HTTP answer");
    }

    /** Accepts one connection, reads the request head, writes a fixed answer and closes. */
    private static final class OneAnswer implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        private final Thread thread;
        private volatile String request = "";

        OneAnswer(String answer) throws IOException {
            thread = new Thread(() -> {
                try (Socket socket = listener.accept()) {
                    InputStream in = socket.getInputStream();
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        int c = in.read();
                        if (c < 0) {
                            break;
                        }
                        head.append((char) c);
                    }
                    request = head.toString();
                    socket.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // The probe may close first on a bad answer; nothing to check then.
                }
            }, "one-answer");
            thread.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        String request() throws InterruptedException {
            thread.join(5000);
            return request;
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
